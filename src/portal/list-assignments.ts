import type {Output} from '../deps.js'
import type {AccountRolePair} from '../config/account-role-pair.js'
import type {SsoSession} from '../config/profile-types.js'
import {createProgressBar} from '../ui/progress-bar.js'
import {assignmentCacheTtlMs, readAssignmentCache, writeAssignmentCache} from './assignment-cache.js'
import {discoverAssignments, type DiscoveryDeps, type DiscoveryOptions} from './discover-assignments.js'

export interface SessionSource {
  session: string
  source: 'cache' | 'portal'
  /** epoch ms */
  fetchedAt: number
  accounts: number
}

export interface ListAssignmentsInput {
  sessions: SsoSession[]
  /** Ask the portal even when the cache is fresh. */
  refresh?: boolean
  ttlMs?: number
  discovery?: DiscoveryOptions
}

export interface ListAssignmentsDeps extends Omit<DiscoveryDeps, 'onProgress'> {
  paths: {cacheDir: string}
  stderr: Output
}

export interface ListAssignmentsResult {
  pairs: AccountRolePair[]
  sources: SessionSource[]
}

/**
 * The account/role pairs of every given session: from the cache while it is fresh, otherwise
 * discovered from the portal (progress bar on a TTY) and cached. Sessions in the given order,
 * accounts and roles in portal order.
 */
export async function listAssignments(input: ListAssignmentsInput, deps: ListAssignmentsDeps): Promise<ListAssignmentsResult> {
  const pairs: AccountRolePair[] = []
  const sources: SessionSource[] = []
  for (const session of input.sessions) {
    const cached = input.refresh ? undefined : await readAssignmentCache(deps.paths.cacheDir, session, deps.now(), input.ttlMs ?? assignmentCacheTtlMs)
    let accounts = cached?.accounts
    let fetchedAt = cached?.fetchedAt ?? deps.now()
    if (!accounts) {
      const bar = createProgressBar(deps.stderr, `Listing accounts of ${session.name}`, deps.now)
      try {
        const result = await discoverAssignments(session, {...deps, onProgress: (p) => bar.update(p.done, p.total, p.complete)}, input.discovery)
        accounts = result.accounts
      } finally {
        bar.stop()
      }
      fetchedAt = deps.now()
      await writeAssignmentCache(deps.paths.cacheDir, session, fetchedAt, accounts)
    }
    sources.push({session: session.name, source: cached ? 'cache' : 'portal', fetchedAt, accounts: accounts.length})
    for (const account of accounts) {
      for (const roleName of account.roles) {
        pairs.push({session: session.name, accountId: account.accountId, accountName: account.accountName, roleName})
      }
    }
  }
  return {pairs, sources}
}
