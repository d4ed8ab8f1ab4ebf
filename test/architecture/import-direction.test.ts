import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {
  directionViolations,
  graphEdges,
  hotPathModules,
  hotPathViolations,
  layerOf,
  moduleImports,
  parseLayers,
  readGraph,
  type Graph,
  type ModuleImport,
} from './import-graph.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const src = join(root, 'src')
const layers = parseLayers(readFileSync(join(src, 'README.md'), 'utf8'))
const hotPathEntry = 'hot-path/serve-cached-credentials.ts'

/** A graph from literal edges, for the tests that must see the rules fail. */
function graphOf(modules: Record<string, Array<[string, ModuleImport['kind']]>>): Graph {
  return {
    modules: new Map(
      Object.entries(modules).map(([path, imports]) => [
        path,
        imports.map(([target, kind]) => ({specifier: target, kind, target, local: !target.startsWith('node:') && !target.startsWith('@')})),
      ]),
    ),
  }
}

describe('import direction (src/README.md)', () => {
  const graph = readGraph(src)

  it('every folder and top-level module of src/ is a layer of the table', () => {
    const unlisted = readdirSync(src, {withFileTypes: true})
      .filter((e) => e.isDirectory() || e.name.endsWith('.ts'))
      .map((e) => layerOf(e.isDirectory() ? `${e.name}/x.ts` : e.name))
      .filter((layer) => !layers.has(layer))
    expect(unlisted).to.deep.equal([])
    // and the table names no layer that does not exist (a typo would silently allow nothing)
    const present = new Set([...graph.modules.keys()].map(layerOf))
    for (const [layer, allowed] of layers) {
      expect(present.has(layer), `layer ${layer}`).to.equal(true)
      for (const name of allowed) expect(present.has(name), `${layer} → ${name}`).to.equal(true)
    }
  })

  it('no import in src/ goes against the table (type-only, export-from and import() included)', () => {
    const edges = graphEdges(graph)
    expect(edges.length).to.be.greaterThan(300)
    expect(directionViolations(edges, layers)).to.deep.equal([])
  })

  it('the hot path statically loads no npm package and no node:crypto', () => {
    expect(hotPathViolations(graph, hotPathEntry)).to.deep.equal([])
    const loaded = hotPathModules(graph, hotPathEntry)
    expect(loaded).to.include(hotPathEntry).and.include('store/keys.ts')
    // bin/run.js reaches the hot path by import() only, and imports nothing else statically
    const bin = moduleImports('run.js', readFileSync(join(root, 'bin', 'run.js'), 'utf8'))
    expect(bin.filter((i) => i.kind !== 'dynamic')).to.deep.equal([])
    expect(bin.map((i) => i.specifier)).to.include(`../dist/${hotPathEntry.replace(/\.ts$/, '.js')}`)
  })

  describe('the checker', () => {
    it('sees static, type-only, re-exported, dynamic and import-type references', () => {
      const text = [
        "import {a} from './a.js'",
        "import type {B} from '../b/b.js'",
        "import {type C} from './c.js'",
        "import {type D, e} from './d.js'",
        "import './side-effect.js'",
        "export {f} from './f.js'",
        "export type {G} from './g.js'",
        "const h = await import('./h.js')",
        "let i: typeof import('./i.js')",
      ].join('\n')
      expect(moduleImports('x.ts', text)).to.deep.equal([
        {specifier: './a.js', kind: 'static'},
        {specifier: '../b/b.js', kind: 'type'},
        {specifier: './c.js', kind: 'type'},
        {specifier: './d.js', kind: 'static'},
        {specifier: './side-effect.js', kind: 'static'},
        {specifier: './f.js', kind: 'reexport'},
        {specifier: './g.js', kind: 'type'},
        {specifier: './h.js', kind: 'dynamic'},
        {specifier: './i.js', kind: 'type'},
      ])
    })

    it('fails an edge against the direction, of every kind, and an unlisted layer', () => {
      const bad = [
        {from: 'config/profile-types.ts', to: 'sso/session-types.ts', kind: 'type' as const},
        {from: 'portal/list-pairs.ts', to: 'sync/synced-profiles.ts', kind: 'static' as const},
        {from: 'store/open-store.ts', to: 'credentials/cached.ts', kind: 'dynamic' as const},
        {from: 'lock/with-lock.ts', to: 'store/keys.ts', kind: 'reexport' as const},
        {from: 'newthing/x.ts', to: 'config/validate.ts', kind: 'static' as const},
      ]
      const problems = directionViolations(bad, layers)
      expect(problems).to.have.length(5)
      expect(problems[0]).to.include('config/ may not import sso/')
      expect(problems[4]).to.include('"newthing" is not in')
    })

    it('allows same-layer, shared and listed edges', () => {
      const good = [
        {from: 'config/resolve-profile.ts', to: 'config/sso-sessions.ts', kind: 'static' as const},
        {from: 'lock/with-lock.ts', to: 'errors.ts', kind: 'static' as const},
        {from: 'lock/with-lock.ts', to: 'util/paths.ts', kind: 'type' as const},
        {from: 'sync/sync-profiles.ts', to: 'portal/list-assignments.ts', kind: 'static' as const},
        {from: 'commands/list.ts', to: 'list/list-pairs.ts', kind: 'static' as const},
      ]
      expect(directionViolations(good, layers)).to.deep.equal([])
    })

    it('fails a static chain from the hot path to the AWS SDK, oclif, inquirer or node:crypto, with the chain', () => {
      const graph = graphOf({
        'hot-path/entry.ts': [['hot-path/a.ts', 'static'], ['hot-path/lazy.ts', 'dynamic'], ['node:fs', 'static']],
        'hot-path/a.ts': [['config/b.ts', 'reexport'], ['@oclif/core', 'type']],
        'config/b.ts': [['@aws-sdk/client-sts', 'static'], ['node:crypto', 'static']],
        'hot-path/lazy.ts': [['@inquirer/prompts', 'static']],
      })
      expect(hotPathViolations(graph, 'hot-path/entry.ts')).to.deep.equal([
        'hot-path/entry.ts → hot-path/a.ts → config/b.ts → @aws-sdk/client-sts: static import on the hot path',
        'hot-path/entry.ts → hot-path/a.ts → config/b.ts → node:crypto: static import on the hot path',
      ])
      graph.modules.get('hot-path/entry.ts')?.push({specifier: 'hot-path/lazy.ts', target: 'hot-path/lazy.ts', kind: 'static', local: true})
      expect(hotPathViolations(graph, 'hot-path/entry.ts')).to.have.length(3)
    })

    it('allows node:crypto and packages behind import()', () => {
      const graph = graphOf({
        'hot-path/entry.ts': [['node:crypto', 'dynamic'], ['@smithy/shared-ini-file-loader', 'dynamic'], ['node:net', 'static']],
      })
      expect(hotPathViolations(graph, 'hot-path/entry.ts')).to.deep.equal([])
    })
  })
})
