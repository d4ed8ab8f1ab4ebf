import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {ExitCode, KeylessError, LoginRequiredError, StoreUnavailableError} from '../../src/errors.js'
import {storeKeys} from '../../src/store/keys.js'
import {readToken, writeToken, type StoredToken} from '../../src/sso/stored-items.js'
import {createTokenProvider} from '../../src/sso/token-provider.js'
import {fakeDeps, session} from './fakes.js'

const minutes = (m: number) => m * 60_000

function storedToken(now: number, overrides: Partial<StoredToken> = {}): StoredToken {
  return {
    accessToken: 'old-access-SECRETAT',
    refreshToken: 'old-refresh-SECRETRT',
    expiresAt: now + minutes(60),
    startUrl: session.startUrl,
    region: session.region,
    scopes: session.scopes,
    ...overrides,
  }
}

/** A registration as a previous login left it. */
async function seedRegistration(f: ReturnType<typeof fakeDeps>) {
  await f.store.set(
    storeKeys.registration('corp'),
    JSON.stringify({clientId: 'client-0', clientSecret: 'cs-SECRETCS', expiresAt: f.clock.now() + minutes(60 * 24 * 30), scopes: session.scopes, flow: 'device', grantTypes: [], startUrl: session.startUrl, region: session.region}),
  )
}

describe('sso/token-provider', () => {
  it('checks that the store can be written before a browser sign-in (a keychain with no default collection fails first; hardening #14)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'keyless-probe-'))
    const f = fakeDeps({home})
    const realSet = f.store.set.bind(f.store)
    f.store.set = async (key: string, value: string) => {
      if (key.startsWith('probe/') || key.startsWith('token/')) throw new StoreUnavailableError('Cannot write to the OS keychain (Secret Service): the Secret Service has no default keyring to store into.')
      return realSet(key, value)
    }
    const error = await createTokenProvider(f.deps, {noLogin: false}).get(session).then(() => undefined, (e: unknown) => e).finally(() => rm(home, {recursive: true, force: true}))
    expect(error).to.be.instanceOf(StoreUnavailableError)
    expect((error as KeylessError).exit).to.equal(ExitCode.storeUnavailable)
    expect(f.browser, 'no browser opened').to.deep.equal([])
    expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(0)
  })

  it('leaves no probe item behind after a sign-in', async () => {
    const f = fakeDeps()
    await createTokenProvider(f.deps, {noLogin: false}).get(session)
    expect(await f.store.list('probe/')).to.deep.equal([])
    expect(f.browser).to.have.length(1)
  })

  it('uses a valid stored token without calling anything', async () => {
    const f = fakeDeps()
    await writeToken(f.store, 'corp', storedToken(f.clock.now()))
    const tokens = createTokenProvider(f.deps, {noLogin: false})
    const token = await tokens.get(session)
    expect(token).to.deep.equal({accessToken: 'old-access-SECRETAT', expiresAt: f.clock.now() + minutes(60)})
    expect(f.oidc.calls).to.deep.equal([])
    expect(f.lock.acquisitions).to.equal(0)
  })

  for (const [what, expiresIn] of [['within 15 minutes of expiry', minutes(14)], ['expired', -minutes(5)]] as const) {
    it(`refreshes a token ${what} silently, without a browser`, async () => {
      const f = fakeDeps()
      await seedRegistration(f)
      await writeToken(f.store, 'corp', storedToken(f.clock.now(), {expiresAt: f.clock.now() + expiresIn}))
      const token = await createTokenProvider(f.deps, {noLogin: true}).get(session)
      expect(token.accessToken).to.equal(f.oidc.issued[0].accessToken)
      expect(f.oidc.count('CreateTokenCommand', 'refresh_token')).to.equal(1)
      const refresh = f.oidc.calls.find((c) => c.input.grantType === 'refresh_token')
      expect(refresh?.input).to.include({clientId: 'client-0', clientSecret: 'cs-SECRETCS', refreshToken: 'old-refresh-SECRETRT'})
      expect(f.browser).to.deep.equal([])
      expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(0)
      const stored = await readToken(f.store, 'corp')
      expect(stored?.refreshToken).to.equal(f.oidc.issued[0].refreshToken)
    })
  }

  it('keeps the old refresh token when the refresh answer has none', async () => {
    const f = fakeDeps()
    await seedRegistration(f)
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {expiresAt: f.clock.now() - 1}))
    f.oidc.refreshAnswers.push('ok-without-refresh-token')
    await createTokenProvider(f.deps, {noLogin: true}).get(session)
    const stored = await readToken(f.store, 'corp')
    expect(stored?.accessToken).to.equal(f.oidc.issued[0].accessToken)
    expect(stored?.refreshToken).to.equal('old-refresh-SECRETRT')
  })

  it('drops the token when the refresh is rejected (InvalidGrant), then logs in', async () => {
    const f = fakeDeps()
    await seedRegistration(f)
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {expiresAt: f.clock.now() - 1}))
    f.oidc.refreshAnswers.push('invalid_grant')
    const token = await createTokenProvider(f.deps, {noLogin: false}).get(session)
    expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
    expect(f.browser).to.have.length(1)
    expect(token.accessToken).to.equal(f.oidc.issued.at(-1)?.accessToken)
    expect(f.stderr.text()).to.include('InvalidGrantException: Invalid refresh token provided')
  })

  it('with noLogin, a rejected refresh drops the token and fails with exit 3', async () => {
    const f = fakeDeps()
    await seedRegistration(f)
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {expiresAt: f.clock.now() - 1}))
    f.oidc.refreshAnswers.push('invalid_grant')
    const error = await createTokenProvider(f.deps, {noLogin: true}).get(session).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(LoginRequiredError)
    expect((error as KeylessError).exit).to.equal(ExitCode.loginRequired)
    expect((error as KeylessError).line).to.include('Run `keyless login --session corp`.')
    expect(await f.store.get(storeKeys.token('corp'))).to.equal(undefined)
    expect(f.browser).to.deep.equal([])
  })

  it('with noLogin and no token, fails at once: no lock, no OIDC call', async () => {
    const f = fakeDeps()
    const error = await createTokenProvider(f.deps, {noLogin: true}).get(session).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(LoginRequiredError)
    expect((error as KeylessError).line).to.equal('Session "corp": not signed in. Run `keyless login --session corp`.')
    expect(f.oidc.calls).to.deep.equal([])
    expect(f.lock.acquisitions).to.equal(0)
  })

  it('treats a corrupt token item as a miss', async () => {
    const f = fakeDeps()
    await f.store.set(storeKeys.token('corp'), '{"accessToken": 42')
    const error = await createTokenProvider(f.deps, {noLogin: true}).get(session).catch((e: unknown) => e)
    expect((error as KeylessError).line).to.include('not signed in')
    await createTokenProvider(f.deps, {noLogin: false}).get(session)
    expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
  })

  it('logs in when the stored token is for another start URL', async () => {
    const f = fakeDeps()
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {startUrl: 'https://other.awsapps.com/start'}))
    await createTokenProvider(f.deps, {noLogin: false}).get(session)
    expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
  })

  it('falls back to the still-valid token when the refresh cannot reach the service', async () => {
    const f = fakeDeps()
    await seedRegistration(f)
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {expiresAt: f.clock.now() + minutes(10)}))
    f.oidc.refreshAnswers.push('network')
    const token = await createTokenProvider(f.deps, {noLogin: true}).get(session)
    expect(token.accessToken).to.equal('old-access-SECRETAT')
  })

  it('single flight in a process: 10 parallel gets, one device authorization and one browser call', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('pending', 'pending')
    const tokens = createTokenProvider(f.deps, {noLogin: false})
    const got = await Promise.all(Array.from({length: 10}, () => tokens.get(session)))
    expect(new Set(got.map((t) => t.accessToken)).size).to.equal(1)
    expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
    expect(f.oidc.count('RegisterClientCommand')).to.equal(1)
    expect(f.browser).to.have.length(1)
  })

  it('single flight across providers sharing the lock: the second finds the token after the lock', async () => {
    const f = fakeDeps()
    f.oidc.devicePolls.push('pending')
    const a = createTokenProvider(f.deps, {noLogin: false})
    const b = createTokenProvider(f.deps, {noLogin: false})
    const [ta, tb] = await Promise.all([a.get(session), b.get(session)])
    expect(ta.accessToken).to.equal(tb.accessToken)
    expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
    expect(f.lock.acquisitions).to.equal(2)
  })

  it('invalidate drops the token the portal refused; the next get refreshes once', async () => {
    const f = fakeDeps()
    await seedRegistration(f)
    await writeToken(f.store, 'corp', storedToken(f.clock.now()))
    const tokens = createTokenProvider(f.deps, {noLogin: true})
    const before = await tokens.get(session)
    await tokens.invalidate(session, before)
    const after = await tokens.get(session)
    expect(after.accessToken).not.to.equal(before.accessToken)
    expect(f.oidc.count('CreateTokenCommand', 'refresh_token')).to.equal(1)
    await tokens.get(session)
    expect(f.oidc.count('CreateTokenCommand', 'refresh_token')).to.equal(1)
  })

  it('invalidate leaves a newer token alone', async () => {
    const f = fakeDeps()
    await writeToken(f.store, 'corp', storedToken(f.clock.now()))
    const tokens = createTokenProvider(f.deps, {noLogin: true})
    await tokens.invalidate(session, {accessToken: 'an-older-token', expiresAt: f.clock.now()})
    expect((await readToken(f.store, 'corp'))?.accessToken).to.equal('old-access-SECRETAT')
  })

  it('invalidate without a refresh token removes the token: the next get needs a login', async () => {
    const f = fakeDeps()
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {refreshToken: undefined}))
    const tokens = createTokenProvider(f.deps, {noLogin: true})
    await tokens.invalidate(session, await tokens.get(session))
    expect(await f.store.get(storeKeys.token('corp'))).to.equal(undefined)
    const error = await tokens.get(session).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(LoginRequiredError)
  })

  it('ensure({force}) logs in again even with a valid token', async () => {
    const f = fakeDeps()
    await writeToken(f.store, 'corp', storedToken(f.clock.now()))
    const tokens = createTokenProvider(f.deps, {noLogin: false})
    const {token, source} = await tokens.ensure(session, {force: true})
    expect(source).to.equal('login')
    expect(token.accessToken).to.equal(f.oidc.issued[0].accessToken)
    expect((await readToken(f.store, 'corp'))?.accessToken).to.equal(token.accessToken)
  })

  it('a token without a refresh token is used until a minute before it expires', async () => {
    const f = fakeDeps()
    await writeToken(f.store, 'corp', storedToken(f.clock.now(), {refreshToken: undefined, expiresAt: f.clock.now() + minutes(5)}))
    const tokens = createTokenProvider(f.deps, {noLogin: true})
    expect((await tokens.get(session)).accessToken).to.equal('old-access-SECRETAT')
    f.clock.advance(minutes(4) + 30_000)
    expect(await tokens.get(session).catch((e: unknown) => e)).to.be.instanceOf(LoginRequiredError)
  })
})

/** Runs fn with a fresh directory for the real cross-process lock (as two processes would share). */
async function withLockDir(fn: (lockDir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyless-lock-'))
  try {
    await fn(join(dir, 'locks'))
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

describe('sso/token-provider with the real cross-process lock', () => {
  it('a sign-in denied in one process fails its waiters too: one browser, not one per process', async () => {
    await withLockDir(async (lockDir) => {
      const f = fakeDeps()
      f.oidc.devicePolls.push('pending', 'denied')
      const deps = {...f.deps, lock: undefined, paths: {...f.deps.paths, lockDir}}
      const results = await Promise.allSettled([createTokenProvider(deps, {noLogin: false}).get(session), createTokenProvider(deps, {noLogin: false}).get(session)])
      const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as KeylessError) : undefined))
      expect(reasons.every((e) => e instanceof KeylessError), 'both fail').to.equal(true)
      expect(reasons.map((e) => e!.exit)).to.deep.equal([4, 4])
      expect(reasons.some((e) => e!.message.includes('another keyless process'))).to.equal(true)
      expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
      expect(f.browser).to.have.length(1)
      // A later attempt (after the failure) signs in again.
      f.clock.advance(1000)
      f.oidc.devicePolls.push('ok')
      const token = await createTokenProvider(deps, {noLogin: false}).get(session)
      expect(token.accessToken).to.be.a('string').and.not.equal('')
      expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(2)
    })
  })

  it('two providers (as two processes would) share one login through withLock in paths.lockDir', async () => {
    await withLockDir(async (lockDir) => {
      const f = fakeDeps()
      f.oidc.devicePolls.push('pending', 'pending')
      const deps = {...f.deps, lock: undefined, paths: {...f.deps.paths, lockDir}}
      const [a, b] = await Promise.all([createTokenProvider(deps, {noLogin: false}).get(session), createTokenProvider(deps, {noLogin: false}).get(session)])
      expect(a.accessToken).to.equal(b.accessToken)
      expect(f.oidc.count('StartDeviceAuthorizationCommand')).to.equal(1)
      expect(f.browser).to.have.length(1)
      expect(f.stderr.text()).to.include('Another keyless process is signing in or refreshing')
    })
  })
})
