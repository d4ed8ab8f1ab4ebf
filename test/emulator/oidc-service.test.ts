import {createHash, randomBytes} from 'node:crypto'
import {expect} from 'chai'
import {
  CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand,
  type RegisterClientCommandOutput,
} from '@aws-sdk/client-sso-oidc'
import {startEmulator, type Emulator} from './emulator.js'
import {rejection} from './sdk-errors.js'
import {DEVICE_GRANT, sdkLogin} from './sdk-login.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'


describe('emulator: SSO OIDC with the SDK client', () => {
  let clock: number
  let emulator: Emulator
  let oidc: SSOOIDCClient
  let reg: RegisterClientCommandOutput
  const creds = () => ({clientId: reg.clientId as string, clientSecret: reg.clientSecret as string})
  const startDevice = () => oidc.send(new StartDeviceAuthorizationCommand({...creds(), startUrl: emulator.org.startUrl}))
  const poll = (deviceCode?: string) => oidc.send(new CreateTokenCommand({...creds(), grantType: DEVICE_GRANT, deviceCode}))

  beforeEach(async () => {
    clock = Date.UTC(2026, 0, 15, 9, 0, 0)
    emulator = await startEmulator({now: () => clock})
    oidc = new SSOOIDCClient({region: emulator.org.region, endpoint: emulator.url, maxAttempts: 1})
    reg = await oidc.send(new RegisterClientCommand({clientName: 'keyless-test', clientType: 'public', scopes: ['sso:account:access']}))
  })
  afterEach(async () => {
    oidc.destroy()
    await emulator.close()
  })

  it('registers a client for 90 days', async () => {
    expect(reg.clientId).to.be.a('string').with.length.greaterThan(10)
    expect(reg.clientSecret).to.be.a('string').with.length.greaterThan(40)
    expect(reg.clientIdIssuedAt).to.equal(clock / 1000)
    expect(reg.clientSecretExpiresAt).to.equal(clock / 1000 + 90 * 24 * 3600)
    expect(emulator.count('RegisterClient')).to.equal(1)
  })

  it('runs the device flow: pending, slow_down, approval, then a refreshable 1 h token', async () => {
    const device = await startDevice()
    expect(device).to.include({expiresIn: 600, interval: 1})
    expect(device.userCode).to.match(/^[A-Z]{4}-[A-Z]{4}$/)
    expect(device.verificationUri).to.equal(`${emulator.url}/device`)
    expect(device.verificationUriComplete).to.equal(`${emulator.url}/device?user_code=${device.userCode}`)

    const pending = await rejection(() => poll(device.deviceCode))
    expect(pending.name).to.equal('AuthorizationPendingException')
    expect(pending.error).to.equal('authorization_pending')
    expect(pending.error_description).to.be.a('string').with.length.greaterThan(5)
    expect((pending.$metadata as {httpStatusCode: number}).httpStatusCode).to.equal(400)

    const slow = await rejection(() => poll(device.deviceCode))
    expect(slow.name).to.equal('SlowDownException')
    expect(slow.error).to.equal('slow_down')

    expect((await fetch(device.verificationUriComplete as string)).status).to.equal(200)
    const token = await poll(device.deviceCode)
    expect(token.tokenType).to.equal('Bearer')
    expect(token.expiresIn).to.equal(3600)
    expect(token.accessToken).to.be.a('string').with.length.greaterThan(20)
    expect(token.refreshToken).to.be.a('string').with.length.greaterThan(20)

    const reused = await rejection(() => poll(device.deviceCode))
    expect(reused.name).to.equal('InvalidGrantException')
    expect(reused.error).to.equal('invalid_grant')
    expect(emulator.count('CreateToken', 'device_code')).to.equal(4)
    expect(emulator.count('DeviceApproval')).to.equal(1)
  })

  it('gives an 8 h token and no refresh token without sso:account:access', async () => {
    const login = await sdkLogin(emulator, {scopes: []})
    expect(login.expiresIn).to.equal(8 * 3600)
    expect(login.refreshToken).to.equal(undefined)
  })

  it('refreshes with the refresh_token grant, without a browser', async () => {
    const login = await sdkLogin(emulator, {scopes: ['sso:account:access']})
    const refreshed = await oidc.send(new CreateTokenCommand({
      clientId: login.clientId, clientSecret: login.clientSecret, grantType: 'refresh_token', refreshToken: login.refreshToken,
    }))
    expect(refreshed.accessToken).to.not.equal(login.accessToken)
    expect(refreshed.expiresIn).to.equal(3600)
    expect(refreshed.refreshToken).to.be.a('string')
    expect(emulator.count('CreateToken', 'refresh_token')).to.equal(1)
    const bad = await rejection(() => oidc.send(new CreateTokenCommand({
      clientId: login.clientId, clientSecret: login.clientSecret, grantType: 'refresh_token', refreshToken: 'aorNOTISSUED',
    })))
    expect(bad.name).to.equal('InvalidGrantException')
  })

  it('answers AccessDeniedException when the person denies the request', async () => {
    emulator.setDeviceDecision('deny')
    const device = await startDevice()
    await fetch(device.verificationUriComplete as string)
    const denied = await rejection(() => poll(device.deviceCode))
    expect(denied.name).to.equal('AccessDeniedException')
    expect(denied.error).to.equal('access_denied')
  })

  it('answers ExpiredTokenException once the device code has expired', async () => {
    emulator.setLifetimes({deviceCodeSeconds: 30})
    const device = await startDevice()
    expect(device.expiresIn).to.equal(30)
    clock += 31_000
    const expired = await rejection(() => poll(device.deviceCode))
    expect(expired.name).to.equal('ExpiredTokenException')
    expect(expired.error).to.equal('expired_token')
    expect((await fetch(device.verificationUriComplete as string)).status).to.equal(400)
  })

  it('answers InvalidClientException (401) for a wrong secret or an expired registration', async () => {
    const wrong = await rejection(() => oidc.send(new StartDeviceAuthorizationCommand({clientId: reg.clientId, clientSecret: 'nope', startUrl: emulator.org.startUrl})))
    expect(wrong.name).to.equal('InvalidClientException')
    expect(wrong.error).to.equal('invalid_client')
    expect((wrong.$metadata as {httpStatusCode: number}).httpStatusCode).to.equal(401)
    clock += 91 * 24 * 3600 * 1000
    const expired = await rejection(() => startDevice())
    expect(expired.name).to.equal('InvalidClientException')
  })

  it('answers InvalidRequestException and UnsupportedGrantTypeException for malformed token requests', async () => {
    const missing = await rejection(() => poll(undefined))
    expect(missing.name).to.equal('InvalidRequestException')
    expect(missing.error).to.equal('invalid_request')
    const grant = await rejection(() => oidc.send(new CreateTokenCommand({...creds(), grantType: 'password'})))
    expect(grant.name).to.equal('UnsupportedGrantTypeException')
  })

  describe('authorization code with PKCE', () => {
    let pkceReg: RegisterClientCommandOutput
    const redirectUri = 'http://127.0.0.1:43117/oauth/callback'
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')

    beforeEach(async () => {
      pkceReg = await oidc.send(new RegisterClientCommand({
        clientName: 'keyless-pkce', clientType: 'public', scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: emulator.org.startUrl,
      }))
    })

    const authorizeUrl = (extra: Record<string, string> = {}) => {
      const u = new URL(`${emulator.url}/authorize`)
      const params = {
        response_type: 'code', client_id: pkceReg.clientId as string, redirect_uri: redirectUri, state: 'st-123',
        code_challenge: challenge, code_challenge_method: 'S256', scopes: 'sso:account:access', ...extra,
      }
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
      return u.toString()
    }
    const authorize = async (extra?: Record<string, string>) => {
      const res = await fetch(authorizeUrl(extra), {redirect: 'manual'})
      expect(res.status).to.equal(302)
      return new URL(res.headers.get('location') as string)
    }
    const exchange = (code: string, codeVerifier = verifier, uri = redirectUri) => oidc.send(new CreateTokenCommand({
      clientId: pkceReg.clientId, clientSecret: pkceReg.clientSecret, grantType: 'authorization_code', code, redirectUri: uri, codeVerifier,
    }))

    it('redirects to the loopback with code and state, and exchanges the code once with the right verifier', async () => {
      const location = await authorize()
      expect(location.origin + location.pathname).to.equal(redirectUri)
      expect(location.searchParams.get('state')).to.equal('st-123')
      const code = location.searchParams.get('code') as string
      const token = await exchange(code)
      expect(token.refreshToken).to.be.a('string')
      expect(token.expiresIn).to.equal(3600)
      const again = await rejection(() => exchange(code))
      expect(again.name).to.equal('InvalidGrantException')
      expect(emulator.count('Authorize')).to.equal(1)
      expect(emulator.count('CreateToken', 'authorization_code')).to.equal(2)
    })

    it('rejects a wrong code verifier and a different redirect URI with InvalidGrantException', async () => {
      const first = await authorize()
      const wrong = await rejection(() => exchange(first.searchParams.get('code') as string, randomBytes(32).toString('base64url')))
      expect(wrong.name).to.equal('InvalidGrantException')
      const second = await authorize()
      const otherUri = await rejection(() => exchange(second.searchParams.get('code') as string, verifier, 'http://127.0.0.1:1/oauth/callback'))
      expect(otherUri.name).to.equal('InvalidGrantException')
    })

    it('redirects access_denied when the person denies, and refuses an unregistered redirect', async () => {
      emulator.setDeviceDecision('deny')
      const denied = await authorize()
      expect(denied.searchParams.get('error')).to.equal('access_denied')
      expect(denied.searchParams.get('state')).to.equal('st-123')
      expect(denied.searchParams.has('code')).to.equal(false)
      const evil = await fetch(authorizeUrl({redirect_uri: 'https://evil.example/cb'}), {redirect: 'manual'})
      expect(evil.status).to.equal(400)
      const plain = await authorize({code_challenge_method: 'plain'})
      expect(plain.searchParams.get('error')).to.equal('invalid_request')
    })
  })
})
