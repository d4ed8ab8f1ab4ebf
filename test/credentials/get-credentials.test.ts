import {expect} from 'chai'
import {AccessDeniedError, ExitCode, KeylessError, LoginRequiredError, UsageError} from '../../src/errors.js'
import {credentialLockTimes, getCredentials} from '../../src/credentials/get-credentials.js'
import type {StoredKeyProfile} from '../../src/config/profile-types.js'
import {SIGN_IN_LOCK_TIMEOUT_MS} from '../../src/sso/token-provider.js'
import {credentialKey} from '../../src/credentials/credential-key.js'
import {credentialSpec} from '../../src/credentials/credential-spec.js'
import {parseStoredCredentials} from '../../src/credentials/stored-credentials.js'
import {storeKeys} from '../../src/store/keys.js'
import {chainProfile, fakeDeps, sdkError, ssoProfile, staticProfile, T0} from './fakes.js'
import {rejection} from '../helpers/rejection.js'

describe('getCredentials', () => {
  describe('SSO roles', () => {
    it('calls GetRoleCredentials with the session token, account and role, in the session region, and caches the result', async () => {
      const {deps, clients, tokens, store} = fakeDeps()
      const got = await getCredentials(ssoProfile(), deps)
      expect(clients.sent).to.have.length(1)
      expect(clients.sent[0]).to.deep.include({name: 'GetRoleCredentialsCommand', region: 'eu-west-1'})
      expect(clients.sent[0].input).to.deep.equal({accessToken: 'portal-token-1', accountId: '111111111111', roleName: 'ReadOnly'})
      expect(got).to.deep.equal({accessKeyId: 'ASIAROLE1', secretAccessKey: 'role-secret-1', sessionToken: 'role-token-1', expiresAt: T0 + 3600_000})
      expect(parseStoredCredentials(store.items.get(storeKeys.role('corp', '111111111111', 'ReadOnly')))).to.deep.equal(got)
      expect(await getCredentials(ssoProfile(), deps)).to.deep.equal(got)
      expect(clients.sent).to.have.length(1)
      expect(tokens.gets).to.equal(1) // a cache hit needs no token
    })

    it('invalidates a token the portal rejects with 401 and retries once with a new one', async () => {
      let calls = 0
      const {deps, clients, tokens} = fakeDeps({
        respond: () => (++calls === 1 ? sdkError('UnauthorizedException', 401, 'Session token not found or invalid') : undefined),
      })
      const got = await getCredentials(ssoProfile(), deps)
      expect(got.accessKeyId).to.match(/^ASIAROLE/)
      expect(tokens.invalidated).to.deep.equal(['portal-token-1'])
      expect(clients.sent.map((c) => c.input.accessToken)).to.deep.equal(['portal-token-1', 'portal-token-2'])
    })

    it('gives up after the second 401 with LoginRequired (exit 3)', async () => {
      const {deps, clients} = fakeDeps({respond: () => sdkError('UnauthorizedException', 401)})
      const error = await rejection(getCredentials(ssoProfile(), deps))
      expect(error).to.be.instanceOf(LoginRequiredError)
      expect((error as KeylessError).exit).to.equal(ExitCode.loginRequired)
      expect(clients.sent).to.have.length(2)
    })

    it('turns a 403 ForbiddenException into AccessDenied naming account and role (exit 4)', async () => {
      const {deps, store} = fakeDeps({respond: () => sdkError('ForbiddenException', 403, 'No access')})
      const error = await rejection(getCredentials(ssoProfile({roleName: 'Admin'}), deps))
      expect(error).to.be.instanceOf(AccessDeniedError)
      expect((error as KeylessError).exit).to.equal(ExitCode.accessDenied)
      expect((error as KeylessError).line).to.include('role Admin in account 111111111111').and.include('keyless list --refresh')
      expect(store.items.size).to.equal(0)
    })

    it('reports throttling that outlasted the SDK retries as a network-class error', async () => {
      const {deps} = fakeDeps({respond: () => Object.assign(sdkError('TooManyRequestsException', 429), {$metadata: {httpStatusCode: 429, attempts: 5}})})
      const error = (await rejection(getCredentials(ssoProfile(), deps))) as KeylessError
      expect(error.exit).to.equal(ExitCode.network)
      expect(error.line).to.include('TooManyRequestsException').and.include('after 5 attempts')
    })

    it('reports an unreachable portal as a network error', async () => {
      const {deps} = fakeDeps({respond: () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'})})
      const error = (await rejection(getCredentials(ssoProfile(), deps))) as KeylessError
      expect(error.exit).to.equal(ExitCode.network)
      expect(error.line).to.match(/Cannot reach the SSO portal .* \(ECONNREFUSED\)/)
    })

    it('refetches once the cached credentials are inside the 15-minute window', async () => {
      const {deps, clients, clock} = fakeDeps()
      await getCredentials(ssoProfile(), deps)
      clock.advance(44 * 60_000)
      await getCredentials(ssoProfile(), deps)
      expect(clients.sent).to.have.length(1)
      clock.advance(2 * 60_000)
      const again = await getCredentials(ssoProfile(), deps)
      expect(clients.sent).to.have.length(2)
      expect(again.accessKeyId).to.equal('ASIAROLE2')
    })
  })

  describe('role chains', () => {
    it('assumes the role with the source credentials, external id and a default session name, and caches both hops', async () => {
      const {deps, clients, store} = fakeDeps()
      const profile = chainProfile(ssoProfile(), {externalId: 'ext-123', region: 'us-west-2'})
      const got = await getCredentials(profile, deps)
      expect(clients.sent.map((c) => c.name)).to.deep.equal(['GetRoleCredentialsCommand', 'AssumeRoleCommand'])
      const assume = clients.sent[1]
      expect(assume.region).to.equal('us-west-2')
      expect(assume.credentials).to.deep.equal({accessKeyId: 'ASIAROLE1', secretAccessKey: 'role-secret-1', sessionToken: 'role-token-1'})
      expect(assume.input).to.deep.equal({
        RoleArn: 'arn:aws:iam::222222222222:role/Auditor',
        RoleSessionName: `keyless-${Math.floor(T0 / 1000)}`,
        ExternalId: 'ext-123',
      })
      expect(got.accessKeyId).to.equal('ASIACHAIN2')
      const chainKey = credentialKey(credentialSpec(profile)) as string
      expect(parseStoredCredentials(store.items.get(chainKey))).to.deep.equal(got)
      expect(store.items.has(storeKeys.role('corp', '111111111111', 'ReadOnly'))).to.equal(true)
      await getCredentials(profile, deps)
      expect(clients.sent).to.have.length(2)
    })

    it('reuses the cached source role when only the chained credentials expired', async () => {
      const {deps, clients, clock} = fakeDeps()
      const profile = chainProfile(ssoProfile())
      await getCredentials(profile, deps)
      clock.advance(20 * 60_000)
      // Both have 40 minutes left: nothing is fetched.
      await getCredentials(profile, deps)
      expect(clients.sent).to.have.length(2)
    })

    it('follows several hops, signing each with the previous hop', async () => {
      const {deps, clients} = fakeDeps()
      const first = chainProfile(ssoProfile(), {name: 'hop1', roleArn: 'arn:aws:iam::222222222222:role/One'})
      const second = chainProfile(first, {name: 'hop2', roleArn: 'arn:aws:iam::333333333333:role/Two', roleSessionName: 'me', durationSeconds: 900})
      const got = await getCredentials(second, deps)
      expect(clients.sent.map((c) => [c.name, c.input.RoleArn ?? c.input.roleName])).to.deep.equal([
        ['GetRoleCredentialsCommand', 'ReadOnly'],
        ['AssumeRoleCommand', 'arn:aws:iam::222222222222:role/One'],
        ['AssumeRoleCommand', 'arn:aws:iam::333333333333:role/Two'],
      ])
      expect(clients.sent[2].credentials?.accessKeyId).to.equal('ASIACHAIN2')
      expect(clients.sent[2].input).to.deep.include({RoleSessionName: 'me', DurationSeconds: 900})
      expect(clients.sent[2].region).to.equal('eu-central-1') // the first hop's region
      expect(got.accessKeyId).to.equal('ASIACHAIN3')
    })

    it('caps duration_seconds at one hour when chaining from temporary credentials, and says so', async () => {
      const {deps, clients, stderr} = fakeDeps()
      await getCredentials(chainProfile(ssoProfile(), {durationSeconds: 7200}), deps)
      expect(clients.sent[1].input.DurationSeconds).to.equal(3600)
      expect(stderr()).to.include('caps role chaining at 3600')
    })

    it('signs with static keys of a source profile (no session token) and keeps their duration', async () => {
      const {deps, clients, store} = fakeDeps()
      const got = await getCredentials(chainProfile(staticProfile(), {durationSeconds: 7200}), deps)
      expect(clients.sent).to.have.length(1)
      expect(clients.sent[0].credentials).to.deep.equal({accessKeyId: 'AKIAFAKESTATIC000001', secretAccessKey: 'static-secret'})
      expect(clients.sent[0].input.DurationSeconds).to.equal(7200)
      expect(clients.sent[0].region).to.equal('us-east-1')
      expect(got.accessKeyId).to.equal('ASIACHAIN1')
      // Only the chained result is cached; static keys are never copied into the store.
      expect([...store.items.keys()]).to.have.length(1)
      expect([...store.items.values()].join()).to.not.include('static-secret')
    })

    it('turns an STS AccessDenied into AccessDenied naming the role and the external id', async () => {
      const {deps} = fakeDeps({respond: (c) => (c.name === 'AssumeRoleCommand' ? sdkError('AccessDenied', 403, 'not authorized to perform sts:AssumeRole') : undefined)})
      const error = (await rejection(getCredentials(chainProfile(ssoProfile(), {externalId: 'wrong'}), deps))) as KeylessError
      expect(error).to.be.instanceOf(AccessDeniedError)
      expect(error.line).to.include('arn:aws:iam::222222222222:role/Auditor').and.include('external_id')
    })

    it('passes a source login failure through unchanged', async () => {
      const {deps} = fakeDeps()
      deps.tokens.get = async () => {
        throw new LoginRequiredError('corp')
      }
      const error = await rejection(getCredentials(chainProfile(ssoProfile()), deps))
      expect(error).to.be.instanceOf(LoginRequiredError)
    })

    it('refuses a cyclic chain object with a usage error instead of recursing', async () => {
      const {deps, clients} = fakeDeps()
      const loop = chainProfile(ssoProfile())
      ;(loop as {source: unknown}).source = loop
      const error = await rejection(getCredentials(loop, deps))
      expect(error).to.be.instanceOf(UsageError)
      expect(error.message).to.match(/deeper than 16 hops/)
      expect(clients.sent).to.have.length(0)
    })

    it('refuses mfa_serial on a chain from an Identity Center role', async () => {
      const {deps} = fakeDeps()
      const error = await rejection(getCredentials(chainProfile(ssoProfile(), {mfaSerial: 'arn:aws:iam::1:mfa/me', settings: {mfa_serial: 'arn:aws:iam::1:mfa/me'}}), deps))
      expect(error).to.be.instanceOf(UsageError)
      expect(error.message).to.include('mfa_serial')
    })
  })

  it('refuses to hand out long-lived static keys', async () => {
    const {deps} = fakeDeps()
    const error = await rejection(getCredentials(staticProfile(), deps))
    expect(error).to.be.instanceOf(UsageError)
    expect(error.message).to.include('long-lived access keys')
  })
})

describe('credentialLockTimes: a waiter waits as long as the holder can take', () => {
  const budget = 1000
  const deps = (mayLogIn: boolean) => ({clients: {callBudgetMs: budget}, tokens: {mayLogIn}}) as unknown as Parameters<typeof credentialLockTimes>[1]
  const stored = (mfaSerial?: string): StoredKeyProfile => ({kind: 'stored-key', name: 'kept', settings: {}, keyName: 'kept', ...(mfaSerial ? {mfaSerial} : {})})
  const serial = 'arn:aws:iam::111111111111:mfa/dev'

  it('counts the calls of each hop, and the time of a person when one may be asked (sign-in or MFA code)', () => {
    expect(credentialLockTimes(ssoProfile(), deps(false)).holdMs).to.equal(4 * budget)
    expect(credentialLockTimes(ssoProfile(), deps(true)).holdMs).to.equal(SIGN_IN_LOCK_TIMEOUT_MS + 4 * budget)
    expect(credentialLockTimes(stored(), deps(false)).holdMs, 'one GetSessionToken').to.equal(budget)
    expect(credentialLockTimes(stored(serial), deps(false)).holdMs, 'a code typed on the terminal').to.equal(SIGN_IN_LOCK_TIMEOUT_MS + budget)
    expect(credentialLockTimes(chainProfile(stored(), {mfaSerial: serial}), deps(false)).holdMs).to.equal(SIGN_IN_LOCK_TIMEOUT_MS + 2 * budget)
    expect(credentialLockTimes(chainProfile(ssoProfile()), deps(false)).holdMs).to.equal(5 * budget)
  })
})
