import {expect} from 'chai'
import Logout from '../../src/commands/logout.js'
import {storeKeys} from '../../src/store/keys.js'
import {writeToken} from '../../src/sso/stored-items.js'
import {runCommand} from '../helpers/run-command.js'
import {session} from '../sso/fakes.js'
import {inProcessDeps} from './in-process-fixture.js'

// `keyless logout` wired in-process: flags → logoutSession (portal Logout, store cleared) → --json.
describe('keyless logout (in-process)', () => {
  let f: Awaited<ReturnType<typeof inProcessDeps>>
  beforeEach(async () => {
    f = await inProcessDeps()
    await writeToken(f.store, 'corp', {accessToken: 'at-SECRETAT', refreshToken: 'rt-SECRETRT', expiresAt: f.clock.now() + 3600_000, startUrl: session.startUrl, region: session.region, scopes: session.scopes})
    await f.store.set(storeKeys.role('corp', '111111111111', 'Admin'), '{}')
  })
  afterEach(() => f.cleanup())

  it('--session ends the portal session with its token and removes its secrets; --json returns what it did', async () => {
    const run = await runCommand(Logout, ['--session', 'corp', '--json'], f.deps)
    expect(run.exit, run.stderr).to.equal(0)
    expect(run.depsOptions).to.deep.equal([{noLogin: true}])
    expect(f.oidc.calls.filter((c) => c.op === 'LogoutCommand').map((c) => c.input)).to.deep.equal([{accessToken: 'at-SECRETAT'}])
    expect(run.result).to.deep.equal({sessions: [{session: 'corp', portal: 'ended', removed: 2}]})
    expect(JSON.parse(run.stdout)).to.deep.equal(run.result)
    expect([...f.store.items.keys()]).to.deep.equal([])
  })

  it('an unknown session is one line, exit 2, and no secret is removed', async () => {
    const run = await runCommand(Logout, ['--session', 'nope'], f.deps)
    expect(run.exit).to.equal(2)
    expect(run.stdout).to.equal('')
    expect(run.stderr.split('\n').filter(Boolean)).to.have.length(1)
    expect(run.stderr).to.match(/^keyless: .*nope/)
    expect(f.store.items.size).to.equal(2)
  })

  it('--session and --all together are a usage error before anything is built', async () => {
    const run = await runCommand(Logout, ['--session', 'corp', '--all'], f.deps)
    expect(run.exit).to.equal(2)
    expect(run.stderr).to.match(/^keyless: The following errors occurred: --(session|all)=\S* cannot also be provided when using --(all|session)[^\n]*See --help\.\n$/)
    expect(run.depsOptions).to.deep.equal([])
    expect(f.store.items.size).to.equal(2)
  })
})
