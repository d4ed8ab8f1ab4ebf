import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'

// The two test layers (scripts/test.mjs): a file named *.e2e.test.ts is e2e — it reaches a real
// process or program: the built CLI (test/helpers/sandbox.ts), a child process of its own (shells,
// tmux, the AWS CLI, keyless code in another process), or the real secret store (open-store,
// keychain-store). Every other *.test.ts is a unit test and reaches none of them, so
// `npm run test:unit` needs no build and no keyring and takes seconds. This holds the rule both
// ways, following each test's imports inside test/ (what src/ does at run time is the test's own
// business: runChild spawning `sh` is what its unit test is about).
const testDir = dirname(fileURLToPath(import.meta.url))

const REAL = [
  {why: 'runs the built CLI (helpers/sandbox)', test: (file: string, _text: string) => file === join(testDir, 'helpers', 'sandbox.ts')},
  {why: 'starts processes (node:child_process)', test: (_file: string, text: string) => /^import[^\n]*from 'node:child_process'/m.test(text)},
  {why: 'opens the real secret store', test: (_file: string, text: string) => /^import[^\n]*from '[./]+\/src\/store\/(open-store|keychain-store)\.js'/m.test(text)},
]

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? testFiles(path) : path.endsWith('.test.ts') ? [path] : []
  })
}

/** Why a test file is e2e (the first real thing it reaches through its imports within test/), or undefined. */
function reachesReal(file: string, seen = new Set<string>()): string | undefined {
  if (seen.has(file)) return undefined
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  const hit = REAL.find((r) => r.test(file, text))
  if (hit) return `${hit.why} in ${relative(testDir, file)}`
  for (const [, spec] of text.matchAll(/^(?:import|export)\s[^;]*?from '(\.[^']+)'/gm)) {
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'))
    if (!target.startsWith(testDir + '/') || !target.endsWith('.ts')) continue
    const why = reachesReal(target, seen)
    if (why) return why
  }
  return undefined
}

describe('test layers', () => {
  const files = testFiles(testDir)

  it('finds the test files of both layers', () => {
    expect(files.filter((f) => f.endsWith('.e2e.test.ts')).length).to.be.greaterThan(20)
    expect(files.filter((f) => !f.endsWith('.e2e.test.ts')).length).to.be.greaterThan(40)
  })

  it('a unit test (*.test.ts) reaches no real process, program or store', () => {
    const wrong = files.filter((f) => !f.endsWith('.e2e.test.ts')).flatMap((f) => {
      const why = reachesReal(f)
      return why ? [`${relative(testDir, f)}: ${why} — name it *.e2e.test.ts`] : []
    })
    expect(wrong).to.deep.equal([])
  })

  it('an e2e test (*.e2e.test.ts) reaches one (else it belongs in the fast layer)', () => {
    const wrong = files.filter((f) => f.endsWith('.e2e.test.ts') && !reachesReal(f)).map((f) => relative(testDir, f))
    expect(wrong).to.deep.equal([])
  })

  it('the rule sees through fixtures: a sandbox fixture makes its user e2e', () => {
    expect(reachesReal(join(testDir, 'commands', 'list.e2e.test.ts'))).to.match(/helpers\/sandbox/)
    expect(reachesReal(join(testDir, 'sso', 'device-login.test.ts'))).to.equal(undefined)
  })
})
