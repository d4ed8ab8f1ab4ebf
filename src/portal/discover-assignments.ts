import type {AccountInfo, ListAccountRolesResponse, ListAccountsResponse, SSOClient} from '@aws-sdk/client-sso'
import type {SsoSession} from '../config/profile-types.js'
import type {TokenProvider} from '../sso/session-types.js'
import {createAdaptiveLimiter, type AdaptiveLimiterOptions, type LimiterState} from './adaptive-limiter.js'
import {PortalRequests, type RequestCounts, type RetryPolicy} from './portal-requests.js'

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

export interface DiscoveryStats extends RequestCounts {
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

interface RolesTask {
  accountIndex: number
  nextToken?: string
}

/** The two list calls of the portal, each through its limiter and the retry policy. */
interface PortalLists {
  accounts(nextToken: string | undefined): Promise<ListAccountsResponse>
  roles(accountId: string, nextToken: string | undefined): Promise<ListAccountRolesResponse>
}

/** Roles requests handed to the limiter at once at most; the limiter decides when each goes. */
const maxQueuedRoleRequests = 64

/**
 * Every account/role pair of a session: ListAccounts (paginated), then ListAccountRoles for each
 * account (paginated), with an adaptive rate limiter (adaptive-limiter.ts) so that a portal that
 * throttles at N requests/s is called at about N/s. Throttled requests go back to the front of the
 * queue and are sent again (never lost); 5xx and network errors are retried with exponential
 * backoff and full jitter; a 401 invalidates the token and retries once with a fresh one
 * (portal-requests.ts).
 */
export async function discoverAssignments(
  session: SsoSession,
  deps: DiscoveryDeps,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100))
  const policy = retryPolicy(options, deps)
  const started = deps.now()
  const {ListAccountsCommand, ListAccountRolesCommand} = await import('@aws-sdk/client-sso')
  const client = await deps.portal(session.region)
  const clock = {now: deps.now, sleep: deps.sleep, random: policy.random}
  const rolesLimiter = createAdaptiveLimiter({maxConcurrency: 16, ...options.limiter}, clock)
  const accountsLimiter = createAdaptiveLimiter({maxConcurrency: 1, ...options.limiter}, clock)
  const requests = new PortalRequests(session, deps, policy, started)
  const lists: PortalLists = {
    accounts: (nextToken) =>
      requests.send(accountsLimiter, (accessToken) => client.send(new ListAccountsCommand({accessToken, maxResults: pageSize, nextToken}))),
    roles: (accountId, nextToken) =>
      requests.send(rolesLimiter, (accessToken) => client.send(new ListAccountRolesCommand({accessToken, accountId, maxResults: pageSize, nextToken}))),
  }
  const discovery = new Discovery(lists, deps.onProgress)
  await discovery.run()
  return {
    accounts: discovery.accounts,
    stats: {...requests.counts, elapsedMs: deps.now() - started, limiter: rolesLimiter.state()},
  }
}

function retryPolicy(options: DiscoveryOptions, deps: DiscoveryDeps): RetryPolicy {
  return {maxAttempts: options.maxAttempts ?? 8, stallTimeoutMs: options.stallTimeoutMs ?? 120_000, random: deps.random ?? Math.random}
}

/**
 * One discovery's shared state: the accounts listed so far (roles filled in as they arrive), the
 * roles pages still to fetch, the requests running, and the first failure, which ends it.
 */
class Discovery {
  readonly accounts: DiscoveredAccount[] = []
  private readonly lists: PortalLists
  private readonly onProgress: ((progress: DiscoveryProgress) => void) | undefined
  private readonly pending: RolesTask[] = []
  private readonly running = new Set<Promise<void>>()
  private done = 0
  private listed = false
  private failure: unknown
  private wake: (() => void) | undefined

  constructor(lists: PortalLists, onProgress: ((progress: DiscoveryProgress) => void) | undefined) {
    this.lists = lists
    this.onProgress = onProgress
  }

  /** Lists the accounts and, meanwhile, the roles of each account as soon as it is listed. */
  async run(): Promise<void> {
    const lister = this.listAllAccounts()
      .then(() => {
        this.listed = true
        this.progress()
      })
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.notify())
    await this.dispatch()
    await lister
    await Promise.allSettled([...this.running])
    if (this.failure !== undefined) throw this.failure
  }

  /** Dispatcher: start a roles request whenever one is pending; the limiter paces them. */
  private async dispatch(): Promise<void> {
    while (this.failure === undefined) {
      const task = this.pending.shift()
      if (task) {
        this.start(task)
        // Let the limiter decide when the next one may go: wait for a free slot before taking more.
        if (this.running.size >= maxQueuedRoleRequests) await Promise.race(this.running)
        continue
      }
      if (this.listed && this.running.size === 0) break
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
    }
  }

  private start(task: RolesTask): void {
    const run = this.fetchRoles(task)
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.running.delete(run)
        this.notify()
      })
    this.running.add(run)
  }

  /** One page of an account's roles; the next page goes to the front of the queue. */
  private async fetchRoles(task: RolesTask): Promise<void> {
    const account = this.accounts[task.accountIndex]
    const response = await this.lists.roles(account.accountId, task.nextToken).catch((error: unknown) => {
      // The account went away between the two calls: it simply has no roles now.
      if ((error as {name?: string}).name === 'ResourceNotFoundException') return {roleList: [], nextToken: undefined}
      throw error
    })
    for (const role of response.roleList ?? []) if (role.roleName) account.roles.push(role.roleName)
    if (response.nextToken) {
      this.pending.unshift({accountIndex: task.accountIndex, nextToken: response.nextToken})
      this.notify()
      return
    }
    this.done++
    this.progress()
  }

  private async listAllAccounts(): Promise<void> {
    let nextToken: string | undefined
    do {
      const response = await this.lists.accounts(nextToken)
      for (const a of response.accountList ?? []) this.add(a)
      nextToken = response.nextToken || undefined
      this.progress()
      this.notify()
    } while (nextToken)
  }

  /** An account listed: its roles are to be fetched. */
  private add(a: AccountInfo): void {
    if (!a.accountId) return
    this.accounts.push({accountId: a.accountId, accountName: a.accountName ?? a.accountId, ...(a.emailAddress ? {emailAddress: a.emailAddress} : {}), roles: []})
    this.pending.push({accountIndex: this.accounts.length - 1})
  }

  private fail(error: unknown): void {
    this.failure ??= error
  }

  private notify(): void {
    this.wake?.()
    this.wake = undefined
  }

  private progress(): void {
    this.onProgress?.({done: this.done, total: this.accounts.length, complete: this.listed})
  }
}
