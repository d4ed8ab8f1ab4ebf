import {ExitCode, KeylessError, LoginRequiredError} from '../errors.js'
import {classifyAwsError, networkFailure} from '../util/classify-aws-error.js'
import type {SsoSession} from '../config/profile-types.js'
import type {AccessToken, TokenProvider} from '../sso/session-types.js'
import type {AdaptiveLimiter, Permit} from './adaptive-limiter.js'

export interface RetryPolicy {
  /** Attempts per request for 5xx and network errors (throttling is retried without a count). */
  maxAttempts: number
  /** Give up when no request has succeeded for this long. */
  stallTimeoutMs: number
  /** [0, 1), for the backoff's jitter. */
  random: () => number
}

export interface PortalRequestDeps {
  now: () => number
  sleep: (ms: number) => Promise<void>
  tokens: TokenProvider
}

export interface RequestCounts {
  requests: number
  throttled: number
  /** Requests retried after a 5xx or a network error. */
  retried: number
}

type Outcome<T> = {kind: 'ok'; value: T} | {kind: 'throttled'} | {kind: 'retry'; error: unknown} | {kind: 'unauthorized'; error: unknown}

/** What to do after a failed attempt: send again at once, after a fresh token, or after a pause. */
type NextAttempt = {kind: 'again'} | {kind: 'renew'} | {kind: 'backoff'; ms: number}

/** The retry state of one request. */
interface Attempts {
  failed: number
  renewed: boolean
}

/**
 * The portal requests of one discovery, each through a limiter, with the retry policy: throttled
 * requests are sent again (never lost) until nothing has succeeded for the stall timeout; 5xx and
 * network errors are retried with exponential backoff and full jitter; a 401 invalidates the token
 * and retries once with a fresh one. Counts what happened.
 */
export class PortalRequests {
  readonly counts: RequestCounts = {requests: 0, throttled: 0, retried: 0}
  private readonly session: SsoSession
  private readonly deps: PortalRequestDeps
  private readonly policy: RetryPolicy
  private readonly token: SessionToken
  private lastSuccess: number

  constructor(session: SsoSession, deps: PortalRequestDeps, policy: RetryPolicy, started: number) {
    this.session = session
    this.deps = deps
    this.policy = policy
    this.token = sessionToken(session, deps.tokens)
    this.lastSuccess = started
  }

  /** One request through a limiter, with the retry policy; resolves to the response. */
  async send<T>(limiter: AdaptiveLimiter, send: (accessToken: string) => Promise<T>): Promise<T> {
    const attempts: Attempts = {failed: 0, renewed: false}
    for (;;) {
      const permit = await limiter.acquire()
      const t0 = this.deps.now()
      const bearer = await this.token.get()
      const outcome = await classify(() => send(bearer.accessToken)).catch((error: unknown) => this.failedForGood(permit, error))
      this.counts.requests++
      if (outcome.kind === 'ok') {
        permit.succeeded(this.deps.now() - t0)
        this.lastSuccess = this.deps.now()
        return outcome.value
      }
      const next = this.afterFailure(outcome, permit, attempts)
      if (next.kind === 'renew') await this.token.renew(bearer)
      else if (next.kind === 'backoff') await this.deps.sleep(next.ms)
    }
  }

  /** Failed for good (access denied, a missing resource, a proxy's page): free the slot, or requests still queued behind it wait forever. */
  private failedForGood(permit: Permit, error: unknown): never {
    permit.failed()
    this.counts.requests++
    throw error
  }

  /** Reports a failed attempt to the limiter and decides the next one; throws when it is time to give up. */
  private afterFailure(outcome: Exclude<Outcome<unknown>, {kind: 'ok'}>, permit: Permit, attempts: Attempts): NextAttempt {
    if (outcome.kind === 'throttled') {
      permit.throttled()
      this.counts.throttled++
      if (this.stalled()) throw stalled(this.session)
      return {kind: 'again'}
    }
    permit.failed()
    if (outcome.kind === 'unauthorized') {
      if (attempts.renewed) throw new LoginRequiredError(this.session.name, 'the portal rejected the session token')
      attempts.renewed = true
      return {kind: 'renew'}
    }
    attempts.failed++
    if (attempts.failed >= this.policy.maxAttempts || this.stalled()) throw failed(this.session, outcome.error, attempts.failed)
    this.counts.retried++
    // Exponential backoff with full jitter: 0..min(20 s, 200 ms × 2^attempt).
    return {kind: 'backoff', ms: this.policy.random() * Math.min(20_000, 200 * 2 ** attempts.failed)}
  }

  private stalled(): boolean {
    return this.deps.now() - this.lastSuccess > this.policy.stallTimeoutMs
  }
}

type SessionToken = ReturnType<typeof sessionToken>

/** The session's token, shared by every request; renewed once per rejected token. */
function sessionToken(session: SsoSession, tokens: TokenProvider) {
  let current: Promise<AccessToken> | undefined
  return {
    get(): Promise<AccessToken> {
      current ??= tokens.get(session)
      return current
    },
    async renew(rejected: AccessToken): Promise<void> {
      const now = await current
      // Only the first request that saw this token rejected invalidates it; the others wait.
      if (now && now.accessToken === rejected.accessToken) {
        current = tokens.invalidate(session, rejected).then(() => tokens.get(session))
      }
      await current
    },
  }
}

async function classify<T>(send: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return {kind: 'ok', value: await send()}
  } catch (error) {
    const {kind} = classifyAwsError(error)
    if (kind === 'throttled') return {kind: 'throttled'}
    if (kind === 'unauthorized') return {kind: 'unauthorized', error}
    // A 5xx, or no HTTP answer at all (a connection reset, refused or timed-out request).
    if (kind === 'unavailable' || kind === 'network') return {kind: 'retry', error}
    // A proxy's or captive portal's page: retrying does not help, saying so does.
    if (kind === 'not-aws') throw networkFailure(error, 'the AWS access portal', 'the list of accounts and roles') ?? error
    throw error
  }
}

function stalled(session: SsoSession): KeylessError {
  return new KeylessError(`Listing the accounts of session "${session.name}": the portal kept throttling every request.`, {
    code: 'Throttled',
    exit: ExitCode.network,
    hint: 'Try again in a minute; `keyless list` uses its cache meanwhile.',
  })
}

function failed(session: SsoSession, error: unknown, attempts: number): KeylessError {
  const {name, detail} = classifyAwsError(error)
  return new KeylessError(
    `Listing the accounts of session "${session.name}" failed after ${attempts} attempts: ${name}${detail ? ` (${detail})` : ''}.`,
    {code: 'PortalUnavailable', exit: ExitCode.network, hint: 'Check the network and try again.', cause: error},
  )
}
