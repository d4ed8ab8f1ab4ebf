import {expect} from 'chai'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'
import {errorLines} from './sign-in-fixture.js'

/**
 * The token lifecycle as other commands use it (deps.tokens in credential-process): a revoked
 * token is recovered with one refresh, --no-login fails at once, parallel callers share one login.
 */
describe('session token lifecycle through credential-process (built CLI, emulator, keychain store)', function () {
  this.timeout(120_000)
  let sb: Sandbox
  let accountId: string
  let roleName: string

  before(async () => {
    sb = await createSandbox()
    const {org} = sb.emulator
    accountId = org.accounts[0].accountId
    roleName = org.assignments[accountId][0]
    await sb.writeConfig(
      ssoSessionConfig(sb.emulator, {name: 'corp'}) +
        `\n[profile app]\nkeyless_session = corp\nkeyless_account_id = ${accountId}\nkeyless_role_name = ${roleName}\nregion = ${org.region}\n` +
        'credential_process = keyless credential-process --profile app\n',
    )
  })
  after(() => sb?.cleanup())

  it('--no-login without a session token: exit 3 at once, one line naming `keyless login`, no sign-in', async () => {
    const r = await sb.run(['credential-process', '--profile', 'app', '--no-login'])
    expect(r.code).to.equal(3)
    expect(r.stdout).to.equal('')
    expect(errorLines(r.stderr)).to.deep.equal(['keyless: Session "corp": not signed in. Run `keyless login --session corp`.'])
    const env = await sb.run(['credential-process', '--profile', 'app'], {env: {KEYLESS_NO_LOGIN: '1'}})
    expect(env.code).to.equal(3)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(0)
    expect(sb.browserCalls()).to.deep.equal([])
  })

  it('a revoked token is dropped and recovered with one silent refresh', async () => {
    expect((await sb.run(['login'])).code).to.equal(0)
    const browser = sb.browserCalls().length
    sb.emulator.revokeAccessTokens()
    sb.emulator.resetCounters()
    const r = await sb.run(['credential-process', '--profile', 'app', '--no-login'])
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.include({Version: 1})
    expect(sb.emulator.count('GetRoleCredentials')).to.equal(2)
    expect(sb.emulator.count('CreateToken', 'refresh_token')).to.equal(1)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(0)
    expect(sb.browserCalls()).to.have.length(browser)
  })

  it('a revoked sign-in whose refresh is rejected too: --no-login says to log in (exit 3); without it, one login', async () => {
    // Logout at the portal ends the sign-in: access and refresh token both die.
    const store = await import('./sign-in-fixture.js').then((m) => m.sandboxStore(sb))
    const token = JSON.parse((await store.get('token/corp'))!) as {accessToken: string}
    const {SSOClient, LogoutCommand} = await import('@aws-sdk/client-sso')
    const portal = new SSOClient({region: sb.emulator.org.region, endpoint: sb.emulator.url})
    await portal.send(new LogoutCommand({accessToken: token.accessToken}))
    await store.delete(`role/corp/${accountId}/${roleName}`)
    sb.emulator.resetCounters()
    const noLogin = await sb.run(['credential-process', '--profile', 'app', '--no-login'])
    expect(noLogin.code).to.equal(3)
    expect(errorLines(noLogin.stderr)[0]).to.match(/Session "corp": .*InvalidGrantException.*Run `keyless login --session corp`/)
    const browser = sb.browserCalls().length
    const r = await sb.run(['credential-process', '--profile', 'app'])
    expect(r.code, r.stderr).to.equal(0)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(1)
    expect(sb.browserCalls()).to.have.length(browser + 1)
  })

  it('20 parallel credential-process calls that need a sign-in: one device authorization, one browser call', async () => {
    expect((await sb.run(['logout'])).code).to.equal(0)
    sb.emulator.resetCounters()
    const browser = sb.browserCalls().length
    const results = await Promise.all(Array.from({length: 20}, () => sb.run(['credential-process', '--profile', 'app'], {timeoutMs: 120_000})))
    for (const r of results) expect(r.code, r.stderr).to.equal(0)
    expect(new Set(results.map((r) => (JSON.parse(r.stdout) as {AccessKeyId: string}).AccessKeyId)).size).to.equal(1)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(1)
    expect(sb.emulator.count('CreateToken', 'device_code')).to.be.at.least(1)
    expect(sb.browserCalls()).to.have.length(browser + 1)
  })
})
