// The import graph of src/ and the two rules held over it (see src/README.md): the direction of
// imports between folders, and what the credential-process hot path may load statically.
//
// Why our own ~150 lines and not dependency-cruiser or eslint-plugin-boundaries: the rules need
// two things those tools express only through their own configuration languages: the folder
// table must come from src/README.md (one place, read by people and by the test), and the hot-path
// rule follows *static* imports transitively from one module while allowing `import()`. With the
// TypeScript parser we already depend on, both are a few functions, testable with made-up edges,
// and no new dependency (dependency-cruiser alone brings ~40 packages) has to be kept current.
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import ts from 'typescript'

/** How a module refers to another: `import`, `import type`, `export … from`, `import()`. */
export type ImportKind = 'static' | 'type' | 'reexport' | 'dynamic'

export interface ModuleImport {
  specifier: string
  kind: ImportKind
}

/** Every module another module refers to, with how. `import {type A}` (types only) counts as 'type'. */
export function moduleImports(fileName: string, text: string): ModuleImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const found: ModuleImport[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({specifier: node.moduleSpecifier.text, kind: isTypeOnlyImport(node) ? 'type' : 'static'})
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({specifier: node.moduleSpecifier.text, kind: node.isTypeOnly ? 'type' : 'reexport'})
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      // A computed import() cannot be checked: say so rather than let it pass unseen.
      found.push({specifier: argument && ts.isStringLiteralLike(argument) ? argument.text : '<computed>', kind: 'dynamic'})
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({specifier: node.argument.literal.text, kind: 'type'})
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause
  if (!clause) return false // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true
  if (clause.name) return false
  const bindings = clause.namedBindings
  // TypeScript drops an import whose named bindings are all `type` (no verbatimModuleSyntax here).
  return Boolean(bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly))
}

/** The layer table of src/README.md: the ```layers block, `folder → allowed, allowed`. */
export function parseLayers(markdown: string): Map<string, Set<string>> {
  const block = /^```layers\n([\s\S]*?)^```/m.exec(markdown)
  if (!block) throw new Error('src/README.md has no ```layers block')
  const layers = new Map<string, Set<string>>()
  for (const line of block[1].split('\n')) {
    if (!line.trim()) continue
    const match = /^([\w-]+)\s*→\s*(.*)$/.exec(line.trim())
    if (!match) throw new Error(`unreadable layers line: ${line}`)
    const allowed = match[2].split(',').map((s) => s.trim()).filter(Boolean)
    layers.set(match[1], new Set(allowed))
  }
  return layers
}

/** The layer of a module, from its path under src/: its top folder, or `shared` for errors.ts, deps.ts and util/. */
export function layerOf(srcPath: string): string {
  const [top, ...rest] = srcPath.split('/')
  if (rest.length === 0) return top === 'errors.ts' || top === 'deps.ts' ? 'shared' : top
  return top === 'util' ? 'shared' : top
}

export interface Edge {
  /** Paths under src/, e.g. `config/profile-types.ts`. */
  from: string
  to: string
  kind: ImportKind
}

/** Edges against the table: `from` may import `to` only when same layer, shared, or listed. Unlisted layers are errors too. */
export function directionViolations(edges: Edge[], layers: Map<string, Set<string>>): string[] {
  const problems: string[] = []
  for (const edge of edges) {
    const from = layerOf(edge.from)
    const to = layerOf(edge.to)
    if (!layers.has(from)) problems.push(`${edge.from}: layer "${from}" is not in src/README.md's layers block`)
    else if (from !== to && to !== 'shared' && !layers.get(from)?.has(to)) {
      problems.push(`${edge.from} → ${edge.to} (${edge.kind}): ${from}/ may not import ${to}/`)
    }
  }
  return problems
}

/** Every module below `dir` (relative to it), .ts only. */
export function listModules(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, {withFileTypes: true})) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) out.push(relative(dir, path))
    }
  }
  walk(dir)
  return out.sort()
}

/** A module's imports: relative ones resolved to paths under src/ (`.js` → `.ts`), bare ones as written. */
export interface Graph {
  modules: Map<string, Array<ModuleImport & {target: string; local: boolean}>>
}

export function readGraph(srcDir: string): Graph {
  const modules: Graph['modules'] = new Map()
  for (const path of listModules(srcDir)) {
    const imports = moduleImports(path, readFileSync(join(srcDir, path), 'utf8')).map((i) => {
      const local = i.specifier.startsWith('.')
      const target = local ? relative(srcDir, resolve(srcDir, dirname(path), i.specifier)).replace(/\.js$/, '.ts') : i.specifier
      return {...i, target, local}
    })
    modules.set(path, imports)
  }
  return {modules}
}

export function graphEdges(graph: Graph): Edge[] {
  return [...graph.modules].flatMap(([from, imports]) => imports.filter((i) => i.local).map((i) => ({from, to: i.target, kind: i.kind})))
}

/** What the hot path may not load statically: any npm package (so no @oclif, @aws-sdk, @smithy, @inquirer), and node:crypto. */
export function forbiddenOnHotPath(specifier: string): boolean {
  if (specifier === 'node:crypto' || specifier === 'crypto') return true
  return !specifier.startsWith('node:') && !specifier.startsWith('.')
}

/**
 * The hot-path rule: from `entry`, follow static imports (`import`, `export … from`; type-only
 * imports are erased, `import()` is a deliberate lazy branch) and report every forbidden module
 * reached, with the chain that reaches it.
 */
export function hotPathViolations(graph: Graph, entry: string): string[] {
  const problems: string[] = []
  const seen = new Set<string>([entry])
  const queue: Array<{module: string; chain: string[]}> = [{module: entry, chain: [entry]}]
  while (queue.length > 0) {
    const {module, chain} = queue.shift() as {module: string; chain: string[]}
    const imports = graph.modules.get(module)
    if (!imports) {
      problems.push(`${chain.join(' → ')}: not a module under src/`)
      continue
    }
    for (const i of imports) {
      if (i.kind !== 'static' && i.kind !== 'reexport') continue
      if (!i.local) {
        if (forbiddenOnHotPath(i.target)) problems.push(`${[...chain, i.target].join(' → ')}: static import on the hot path`)
        continue
      }
      if (seen.has(i.target)) continue
      seen.add(i.target)
      queue.push({module: i.target, chain: [...chain, i.target]})
    }
  }
  return problems
}

/** The modules the hot path loads statically from `entry` (for the report and the tests). */
export function hotPathModules(graph: Graph, entry: string): string[] {
  const seen = new Set<string>([entry])
  const queue = [entry]
  while (queue.length > 0) {
    for (const i of graph.modules.get(queue.shift() as string) ?? []) {
      if ((i.kind === 'static' || i.kind === 'reexport') && i.local && !seen.has(i.target)) {
        seen.add(i.target)
        queue.push(i.target)
      }
    }
  }
  return [...seen].sort()
}
