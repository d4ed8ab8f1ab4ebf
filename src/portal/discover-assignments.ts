import type {SSOClient} from '@aws-sdk/client-sso'
import {ExitCode, KeylessError, LoginRequiredError} from '../errors.js'
import {classifyAwsError, networkFailure} from '../util/classify-aws-error.js'
import type {SsoSession} from '../config/profile-types.js'
import type {AccessToken, TokenProvider} from '../sso/session-types.js'
import {createAdaptiveLimiter, type AdaptiveLimiterOptions, type LimiterState} from './adaptive-limiter.js'

/** An account the user can access, with the roles (permission sets) assigned in it. */
export interface DiscoveredAccount {
  accountId: string
  accountName: string
  emailAddress?: string
  roles: string[]
}

export interface DiscoveryProgress {
  /** Accounts whose roles are all known. */
  done: number
  /** Accounts listed so far (grows while ListAccounts pages arrive). */
  total: number
  /** ListAccounts has reached its last page. */
  complete: boolean
}

export interface DiscoveryStats {
  requests: number
  throttled: number
  /** Requests retried after a 5xx or a network error. */
  retried: number
  elapsedMs: number
  limiter: LimiterState
}

export interface DiscoveryResult {
  /** In portal order; roles in portal order. */
  accounts: DiscoveredAccount[]
  stats: DiscoveryStats
}

export interface DiscoveryDeps {
  now: () => number
  sleep: (ms: number) => Promise<void>
  random?: () => number
  tokens: TokenProvider
  /**
   * The portal client for a region. Build it with maxAttempts 1: discovery owns retries, because
   * the SDK's standard retry gives up after a few attempts and shares a retry quota that a
   * thousand throttled calls drain (the failure granted and aws-sso-util users report).
   */
  portal: (region: string) => Promise<SSOClient>
  onProgress?: (progress: DiscoveryProgress) => void
}

export interface DiscoveryOptions {
  /** Page size for both list calls (the portal allows at most 100). */
  pageSize?: number
  limiter?: AdaptiveLimiterOptions
  /** Attempts per request for 5xx and network errors (throttling is retried without a count). */
  maxAttempts?: number
  /** Give up when no request has succeeded for this long (default 2 minutes). */
  stallTimeoutMs?: number
}

type Outcome<T> = {kind: 'ok'; value: T} | {kind: 'throttled'} | {kind: 'retry'; error: unknown} | {kind: 'unauthorized'; error: unknown}

interface RolesTask {
  accountIndex: number
  nextToken?: string
}

/**
 * Every account/role pair of a session: ListAccounts (paginated), then ListAccountRoles for each
 * account (paginated), with an adaptive rate limiter (adaptive-limiter.ts) so that a portal that
 * throttles at N requests/s is called at about N/s. Throttled requests go back to the front of the
 * queue and are sent again (never lost); 5xx and network errors are retried with exponential
 * backoff and full jitter; a 401 invalidates the token and retries once with a fresh one.
 */
export async function discoverAssignments(
  session: SsoSession,
  deps: DiscoveryDeps,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100))
  const maxAttempts = options.maxAttempts ?? 8
  const stallTimeoutMs = options.stallTimeoutMs ?? 120_000
  const random = deps.random ?? Math.random
  const started = deps.now()
  const {ListAccountsCommand, ListAccountRolesCommand} = await import('@aws-sdk/client-sso')
  const client = await deps.portal(session.region)
  const limiter = createAdaptiveLimiter({maxConcurrency: 16, ...options.limiter}, {now: deps.now, sleep: deps.sleep, random})
  const accountsLimiter = createAdaptiveLimiter({maxConcurrency: 1, ...options.limiter}, {now: deps.now, sleep: deps.sleep, random})
  const token = sessionToken(session, deps.tokens)
  const stats = {requests: 0, throttled: 0, retried: 0}
  let lastSuccess = started

  const accounts: DiscoveredAccount[] = []
  let done = 0
  let listed = false
  const progress = () => deps.onProgress?.({done, total: accounts.length, complete: listed})

  /** One request through a limiter, with the retry policy; resolves to the response. */
  async function call<T>(limiter: ReturnType<typeof createAdaptiveLimiter>, send: (accessToken: string) => Promise<T>): Promise<T> {
    let attempt = 0
    let renewed = false
    for (;;) {
      const permit = await limiter.acquire()
      const t0 = deps.now()
      const bearer = await token.get()
      const outcome = await classify(() => send(bearer.accessToken)).catch((error: unknown) => {
        // Failed for good (access denied, a missing resource, a proxy's page): free the slot, or
        // requests still queued behind it wait forever.
        permit.failed()
        stats.requests++
        throw error
      })
      stats.requests++
      if (outcome.kind === 'ok') {
        permit.succeeded(deps.now() - t0)
        lastSuccess = deps.now()
        return outcome.value
      }
      if (outcome.kind === 'throttled') {
        permit.throttled()
        stats.throttled++
        if (deps.now() - lastSuccess > stallTimeoutMs) throw stalled(session)
        continue
      }
      permit.failed()
      if (outcome.kind === 'unauthorized') {
        if (renewed) throw new LoginRequiredError(session.name, 'the portal rejected the session token')
        renewed = true
        await token.renew(bearer)
        continue
      }
      attempt++
      if (attempt >= maxAttempts || deps.now() - lastSuccess > stallTimeoutMs) throw failed(session, outcome.error, attempt)
      stats.retried++
      // Exponential backoff with full jitter: 0..min(20 s, 200 ms × 2^attempt).
      await deps.sleep(random() * Math.min(20_000, 200 * 2 ** attempt))
    }
  }

  // Roles of each account, page by page, as soon as its account is listed.
  const pending: RolesTask[] = []
  const running = new Set<Promise<void>>()
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }

  async function fetchRoles(task: RolesTask): Promise<void> {
    const account = accounts[task.accountIndex]
    const response = await call(limiter, (accessToken) =>
      client.send(
        new ListAccountRolesCommand({accessToken, accountId: account.accountId, maxResults: pageSize, nextToken: task.nextToken}),
      ),
    ).catch((error: unknown) => {
      // The account went away between the two calls: it simply has no roles now.
      if ((error as {name?: string}).name === 'ResourceNotFoundException') return {roleList: [], nextToken: undefined}
      throw error
    })
    for (const role of response.roleList ?? []) if (role.roleName) account.roles.push(role.roleName)
    if (response.nextToken) {
      pending.unshift({accountIndex: task.accountIndex, nextToken: response.nextToken})
      notify()
      return
    }
    done++
    progress()
  }

  async function listAllAccounts(): Promise<void> {
    let nextToken: string | undefined
    do {
      const response = await call(accountsLimiter, (accessToken) =>
        client.send(new ListAccountsCommand({accessToken, maxResults: pageSize, nextToken})),
      )
      for (const a of response.accountList ?? []) {
        if (!a.accountId) continue
        accounts.push({accountId: a.accountId, accountName: a.accountName ?? a.accountId, ...(a.emailAddress ? {emailAddress: a.emailAddress} : {}), roles: []})
        pending.push({accountIndex: accounts.length - 1})
      }
      nextToken = response.nextToken || undefined
      progress()
      notify()
    } while (nextToken)
  }

  let failure: unknown
  const lister = listAllAccounts()
    .then(() => {
      listed = true
      progress()
    })
    .catch((error: unknown) => {
      failure ??= error
    })
    .finally(notify)

  // Dispatcher: start a roles request whenever one is pending; the limiter paces them.
  while (failure === undefined) {
    const task = pending.shift()
    if (task) {
      const run = fetchRoles(task)
        .catch((error: unknown) => {
          failure ??= error
        })
        .finally(() => {
          running.delete(run)
          notify()
        })
      running.add(run)
      // Let the limiter decide when the next one may go: wait for a free slot before taking more.
      if (running.size >= 64) await Promise.race(running)
      continue
    }
    if (listed && running.size === 0) break
    await new Promise<void>((resolve) => {
      wake = resolve
    })
  }
  await lister
  await Promise.allSettled([...running])
  if (failure !== undefined) throw failure

  return {
    accounts,
    stats: {...stats, elapsedMs: deps.now() - started, limiter: limiter.state()},
  }
}

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
