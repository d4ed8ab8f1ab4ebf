import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {expect} from 'chai'
import {REPO_ROOT} from '../helpers/sandbox.js'

// `npm run demo` (after its build step): the walk-through a new user runs first.
describe('npm run demo (scripts/demo.ts)', function () {
  this.timeout(400_000)

  it('completes, shows the keychain service as keyless-demo (not a test name), and no colour codes off a terminal', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings=ExperimentalWarning', join(REPO_ROOT, 'scripts', 'demo.ts')], {
      cwd: REPO_ROOT,
      env: {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code, out.slice(-3000)).to.equal(0)
    expect(out).to.include('demo complete')
    if (out.includes('keychain (Secret Service')) expect(out).to.include('service "keyless-demo"')
    expect(out).not.to.include('keyless-test-')
    // eslint-disable-next-line no-control-regex
    expect(out).not.to.match(/\x1b\[/)
  })
})
