import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {KeylessError, LoginRequiredError} from '../errors.js'
import {lockName} from '../lock/lock-name.js'
import type {LockRunner} from '../lock/with-lock.js'
import {storeKeys} from '../store/keys.js'
import {callBudgetMs} from '../util/aws-clients.js'
import type {LoginDeps} from './device-login.js'
import {interactiveLogin} from './interactive-login.js'
import {refreshToken} from './refresh-token.js'
import type {SsoSession} from '../config/profile-types.js'
import type {AccessToken, TokenProvider} from './session-types.js'
import {readToken, writeToken, type LoginFlow, type StoredToken} from './stored-items.js'
import {MIN_REMAINING_MS, tokenState} from './token-state.js'

/**
 * The longest a sign-in can hold a lock: longer than a device code lives (10 min at AWS). Waiters
 * behind a process that may sign in wait this long; behind one that cannot, only as long as its
 * network calls can take (the holder records that bound in the lock, see withLock's holdMs).
 */
export const SIGN_IN_LOCK_TIMEOUT_MS = 15 * 60 * 1000

export interface TokenProviderOptions {
  /** Never start a browser login: fail with LoginRequiredError (exit 3) instead. Refresh stays silent and allowed. */
  noLogin: boolean
  noBrowser?: boolean
  /** The flow of this call (--flow); overrides the session's keyless_login_flow. */
  flow?: LoginFlow
  platform?: NodeJS.Platform
}

export interface TokenProviderDeps extends LoginDeps {
  /** Defaults to withLock in paths.lockDir. */
  lock?: LockRunner
}

/** How a token was obtained. */
export type TokenSource = 'cached' | 'refreshed' | 'login'

export interface EnsureOptions {
  /** Log in again even with a valid token. */
  force?: boolean
}

/** The token lifecycle of every session, plus `ensure` for `keyless login`. */
export interface SessionTokens extends TokenProvider {
  ensure(session: SsoSession, options?: EnsureOptions): Promise<{token: StoredToken; source: TokenSource}>
}

/** A sign-in that failed (denied, expired, cancelled), kept beside the lock so waiters share the outcome. */
interface FailedLogin {
  at: number
  message: string
  exit: number
  code: string
  hint?: string
}

/**
 * The failed-login record of a session: processes that waited for another's sign-in fail with its
 * error instead of each opening the browser again in turn. Not secret (an error line and a time).
 */
function failedLoginRecord(deps: TokenProviderDeps, session: SsoSession) {
  const path = join(deps.paths.lockDir, `${lockName('sso-session', session.name)}.failed.json`)
  return {
    async read(): Promise<FailedLogin | undefined> {
      try {
        const value = JSON.parse(await readFile(path, 'utf8')) as FailedLogin
        return typeof value.at === 'number' && typeof value.message === 'string' ? value : undefined
      } catch {
        return undefined
      }
    },
    async write(error: KeylessError): Promise<void> {
      const value: FailedLogin = {at: deps.now(), message: error.message, exit: error.exit, code: error.code, hint: error.hint}
      await mkdir(deps.paths.lockDir, {recursive: true, mode: 0o700}).catch(() => {})
      await writeFile(path, JSON.stringify(value), {mode: 0o600}).catch(() => {})
    },
    async clear(): Promise<void> {
      await rm(path, {force: true}).catch(() => {})
    },
  }
}

/**
 * The session token lifecycle: a valid stored token is used; one that is expired or inside the
 * refresh window is refreshed silently; otherwise a browser login runs (unless noLogin). Refresh
 * and login are single-flight: within this process by sharing one promise per session, across
 * processes by a lock per session with a second look at the store once it is held.
 */
export function createTokenProvider(deps: TokenProviderDeps, options: TokenProviderOptions): SessionTokens {
  const lock: LockRunner =
    deps.lock ??
    (async (name, fn) => {
      const {withLock} = await import('../lock/with-lock.js')
      return withLock(name, fn, {
        dir: deps.paths.lockDir,
        timeoutMs: SIGN_IN_LOCK_TIMEOUT_MS,
        // Without a sign-in the holder makes at most one bounded call (a refresh).
        holdMs: options.noLogin ? (deps.clients.callBudgetMs ?? callBudgetMs()) : SIGN_IN_LOCK_TIMEOUT_MS,
        onWait: () => deps.stderr.write(`Another keyless process is signing in or refreshing (${name}); waiting for it…\n`),
      })
    })
  const inflight = new Map<string, Promise<{token: StoredToken; source: TokenSource}>>()

  const notSignedIn = (token: StoredToken | undefined) =>
    token ? 'the session token expired and cannot be refreshed' : 'not signed in'

  async function underLock(session: SsoSession, force: boolean): Promise<{token: StoredToken; source: TokenSource}> {
    const failures = failedLoginRecord(deps, session)
    const waitingSince = deps.now()
    return lock(lockName('sso-session', session.name), async () => {
      // Someone may have logged in or refreshed while we waited for the lock: look again.
      const stored = await readToken(deps.store, session.name)
      const state = tokenState(stored, session, deps.now())
      if (!force && stored && state === 'valid') return {token: stored, source: 'cached'}
      let reason = notSignedIn(stored)
      if (!force && stored && state === 'refresh') {
        try {
          const refreshed = await refreshToken(session, stored, deps)
          if (refreshed.ok) return {token: refreshed.token, source: 'refreshed'}
          reason = refreshed.reason
        } catch (error) {
          // The service is unreachable: a token that still works is better than none.
          if (stored.accessToken && stored.expiresAt - deps.now() > MIN_REMAINING_MS) return {token: stored, source: 'cached'}
          throw error
        }
      }
      if (options.noLogin) throw new LoginRequiredError(session.name, reason)
      // The process we waited for tried a sign-in and it failed (denied, expired, cancelled): share
      // its outcome rather than opening the browser again, once per waiting process.
      const failed = await failures.read()
      if (!force && failed && failed.at >= waitingSince) {
        throw new KeylessError(`${failed.message} (the sign-in another keyless process started)`, {code: failed.code, exit: failed.exit, hint: failed.hint})
      }
      if (!force && reason !== 'not signed in') deps.stderr.write(`Session "${session.name}": ${reason}; signing in again.\n`)
      try {
        // --flow of this call, else the session's keyless_login_flow, else device (in interactiveLogin).
        const flow = options.flow ?? session.loginFlow
        // A store that cannot take the token (a keychain with no default collection, a read-only
        // file) must fail now, not after the user has signed in in the browser.
        await deps.store.set(storeKeys.probe(session.name), 'keyless store check')
        await deps.store.delete(storeKeys.probe(session.name))
        const token = await interactiveLogin(session, {flow, noBrowser: options.noBrowser, platform: options.platform}, deps)
        await failures.clear()
        return {token, source: 'login'}
      } catch (error) {
        if (error instanceof KeylessError) await failures.write(error)
        throw error
      }
    })
  }

  async function ensure(session: SsoSession, ensureOptions: EnsureOptions = {}): Promise<{token: StoredToken; source: TokenSource}> {
    const force = ensureOptions.force ?? false
    if (!force) {
      const stored = await readToken(deps.store, session.name)
      const state = tokenState(stored, session, deps.now())
      if (stored && state === 'valid') return {token: stored, source: 'cached'}
      if (state === 'login' && options.noLogin) throw new LoginRequiredError(session.name, notSignedIn(stored))
    }
    const key = `${force ? 'force' : 'get'}:${session.name}`
    const running = inflight.get(key)
    if (running) return running
    const next = underLock(session, force).finally(() => inflight.delete(key))
    inflight.set(key, next)
    return next
  }

  return {
    ensure,
    mayLogIn: !options.noLogin,
    async get(session: SsoSession): Promise<AccessToken> {
      const {token} = await ensure(session)
      return {accessToken: token.accessToken, expiresAt: token.expiresAt}
    },
    async invalidate(session: SsoSession, token: AccessToken): Promise<void> {
      await lock(lockName('sso-session', session.name), async () => {
        const stored = await readToken(deps.store, session.name)
        if (!stored || stored.accessToken !== token.accessToken) return
        if (stored.refreshToken) {
          // Keep the refresh token: the next get refreshes (or, if that is rejected too, logs in).
          await writeToken(deps.store, session.name, {...stored, accessToken: '', expiresAt: 0})
        } else {
          await deps.store.delete(storeKeys.token(session.name))
        }
      })
    },
  }
}
