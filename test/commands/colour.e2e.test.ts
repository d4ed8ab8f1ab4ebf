import {expect} from 'chai'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[/

// Output read by CI logs and pipes has no colour codes unless asked for (FORCE_COLOR).
describe('colour: none off a terminal unless FORCE_COLOR (built CLI, emulator)', function () {
  this.timeout(120_000)
  let t: SignedIn
  before(async () => {
    t = await signedInSandbox({sync: true})
  })
  after(() => t?.cleanup())

  it('status, list, help and errors piped: no ANSI codes; FORCE_COLOR=1 colours the [PROD] badge', async () => {
    const plain = {...t.env, NO_COLOR: undefined, FORCE_COLOR: undefined}
    await t.sb.run(['credential-process', '--profile', 'workload-prod.ReadOnlyAccess'], {env: plain})
    for (const args of [['status'], ['list'], ['--help'], ['list', '--bogus'], ['logn']]) {
      const r = await t.sb.run(args, {env: plain})
      expect(r.stdout + r.stderr, args.join(' ')).not.to.match(ansi)
    }
    const list = await t.sb.run(['list'], {env: plain})
    expect(list.stdout).to.include('[PROD]')
    for (const args of [['status'], ['list']]) {
      const forced = await t.sb.run(args, {env: {...plain, FORCE_COLOR: '1'}})
      expect(forced.stdout, args.join(' ')).to.include('\x1b[1;31m[PROD]\x1b[0m')
    }
  })
})
