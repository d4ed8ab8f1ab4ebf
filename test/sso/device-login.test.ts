import {expect} from 'chai'
import {AccessDeniedError, ExitCode, KeylessError} from '../../src/errors.js'
import {deviceLogin} from '../../src/sso/device-login.js'
import {storeKeys} from '../../src/store/keys.js'
import {readRegistration} from '../../src/sso/stored-items.js'
import {fakeDeps, session} from './fakes.js'

async function failureOf(p: Promise<unknown>): Promise<KeylessError> {
  try {
    await p
  } catch (error) {
    expect(error).to.be.instanceOf(KeylessError)
    return error as KeylessError
  }
  throw new Error('expected a failure')
}

describe('sso/device-login', () => {
  it('registers, shows the URL and code on stderr, opens the browser, and polls at the interval', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('pending', 'pending')
    const token = await deviceLogin(session, {}, f.deps)
    expect(token.accessToken).to.equal(f.oidc.issued[0].accessToken)
    expect(token.refreshToken).to.equal(f.oidc.issued[0].refreshToken)
    expect(token.expiresAt).to.equal(f.clock.now() + 3600_000)
    expect(f.clock.sleeps).to.deep.equal([5000, 5000, 5000])
    expect(f.oidc.count('CreateTokenCommand')).to.equal(3)
    const register = f.oidc.calls.find((c) => c.op === 'RegisterClientCommand')
    expect(register?.input).to.include({clientName: 'keyless', clientType: 'public'})
    expect(register?.input.scopes).to.deep.equal(['sso:account:access'])
    expect(f.oidc.calls.find((c) => c.op === 'StartDeviceAuthorizationCommand')?.input.startUrl).to.equal(session.startUrl)
    expect(f.browser).to.deep.equal(['https://device.example/?user_code=ABCD-EFGH'])
    expect(f.stderr.text()).to.include('https://device.example/?user_code=ABCD-EFGH').and.include('ABCD-EFGH')
    expect(f.stderr.text()).not.to.include('SECRET')
  })

  it('shows the URL and code on the controlling terminal too when stderr is not one (the AWS CLI captures it)', async () => {
    const f = fakeDeps()
    const shown: string[] = []
    await deviceLogin(session, {}, {...f.deps, tellTerminal: (text) => (shown.push(text), true)})
    expect(shown).to.have.length(1)
    expect(shown[0]).to.include('https://device.example/?user_code=ABCD-EFGH').and.include('code: ABCD-EFGH')
  })

  it('when no terminal could show the code, the expiry says to sign in from a terminal', async () => {
    const f = fakeDeps()
    f.oidc.device = {expiresIn: 20, interval: 5}
    f.oidc.devicePolls.push(...Array(10).fill('pending'))
    const error = await failureOf(deviceLogin(session, {}, {...f.deps, tellTerminal: () => false}))
    expect(error.exit).to.equal(ExitCode.loginRequired)
    expect(error.line).to.include('no terminal showed the code').and.include(`\`keyless login --session ${session.name}\` again, in a terminal`)
  })

  it('when no terminal could show the code and the service says it expired first, the hint says to sign in from a terminal too', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('pending', 'expired')
    const error = await failureOf(deviceLogin(session, {}, {...f.deps, tellTerminal: () => false}))
    expect(error.exit).to.equal(ExitCode.loginRequired)
    expect(error.line).to.include('ExpiredTokenException').and.include('no terminal showed the code')
  })

  it('adds 5 s to the interval on each SlowDown', async () => {
    const f = fakeDeps()
    f.oidc.device.interval = 2
    f.oidc.devicePolls.push('pending', 'slow_down', 'pending', 'slow_down', 'pending')
    await deviceLogin(session, {}, f.deps)
    expect(f.clock.sleeps).to.deep.equal([2000, 2000, 7000, 7000, 12000, 12000])
    const polls = f.oidc.calls.filter((c) => c.op === 'CreateTokenCommand').map((c) => c.at)
    const gaps = polls.slice(1).map((t, i) => t - polls[i])
    expect(gaps).to.deep.equal([2000, 7000, 7000, 12000, 12000])
  })

  it('waits 5 s when the answer has no interval', async () => {
    const f = fakeDeps()
    f.oidc.device.interval = undefined
    await deviceLogin(session, {}, f.deps)
    expect(f.clock.sleeps).to.deep.equal([5000])
  })

  it('stops polling when the device code expires', async () => {
    const f = fakeDeps()
    f.oidc.device = {expiresIn: 20, interval: 5}
    f.oidc.devicePolls.push(...Array(10).fill('pending'))
    const error = await failureOf(deviceLogin(session, {}, f.deps))
    expect(f.oidc.count('CreateTokenCommand')).to.equal(3)
    expect(error.exit).to.equal(ExitCode.loginRequired)
    expect(error.line).to.match(/expired before it was approved.*keyless login --session corp/)
    expect(error.line).not.to.include('\n')
  })

  it('reports a denial with the error name and description, exit 4', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('pending', 'denied')
    const error = await failureOf(deviceLogin(session, {}, f.deps))
    expect(error).to.be.instanceOf(AccessDeniedError)
    expect(error.exit).to.equal(ExitCode.accessDenied)
    expect(error.line).to.include('AccessDeniedException: Authorization request was denied by the user')
    expect(error.line).not.to.include('UnknownError')
    expect(error.line).to.include('Run `keyless login --session corp` again')
  })

  it('reports an expired device code from the service', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('expired')
    const error = await failureOf(deviceLogin(session, {}, f.deps))
    expect(error.exit).to.equal(ExitCode.loginRequired)
    expect(error.line).to.include('ExpiredTokenException: Device code has expired')
  })

  it('drops a registration the service rejects and says to re-run', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('invalid_client')
    const error = await failureOf(deviceLogin(session, {}, f.deps))
    expect(error.line).to.match(/InvalidClientException: Client registration has expired.*removed.*Run `keyless login --session corp` again/)
    expect(await f.store.get(storeKeys.registration('corp'))).to.equal(undefined)
  })

  it('reuses the stored registration, and renews it an hour before it expires', async () => {
    const f = fakeDeps()
    await deviceLogin(session, {}, f.deps)
    const first = await readRegistration(f.store, 'corp')
    await deviceLogin(session, {}, f.deps)
    expect(f.oidc.count('RegisterClientCommand')).to.equal(1)
    f.clock.set(first!.expiresAt - 59 * 60_000)
    await deviceLogin(session, {}, f.deps)
    expect(f.oidc.count('RegisterClientCommand')).to.equal(2)
    expect((await readRegistration(f.store, 'corp'))?.clientId).not.to.equal(first?.clientId)
  })

  it('treats a corrupt registration item as a miss', async () => {
    const f = fakeDeps()
    await f.store.set(storeKeys.registration('corp'), '{not json')
    await deviceLogin(session, {}, f.deps)
    expect(f.oidc.count('RegisterClientCommand')).to.equal(1)
  })

  it('only prints the URL with noBrowser, and survives a browser that cannot start', async () => {
    const f = fakeDeps()
    await deviceLogin(session, {noBrowser: true}, f.deps)
    expect(f.browser).to.deep.equal([])
    expect(f.stderr.text()).to.include('https://device.example/?user_code=ABCD-EFGH')
    const g = fakeDeps()
    g.deps.openBrowser = async () => {
      throw new Error('spawn xdg-open ENOENT')
    }
    await deviceLogin(session, {}, g.deps)
    expect(g.stderr.text()).to.include('Could not open a browser (spawn xdg-open ENOENT); open the URL above yourself.')
  })
})
