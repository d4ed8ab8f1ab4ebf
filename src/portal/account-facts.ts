import type {AwsConfig} from '../config/load-aws-config.js'
import {listSsoSessions} from '../config/sso-sessions.js'
import {readAssignmentCache} from './assignment-cache.js'

/** What keyless knows about an account by its id, whatever kind of profile leads to it. */
export interface AccountFacts {
  accountName?: string
  /** An explicit `keyless_environment` of a profile in that account (a production value wins). */
  environment?: string
  /** The sso-session whose account list (or synced profile) names it. */
  session?: string
}

const productionValues = new Set(['prod', 'production'])

/**
 * The account's name and environment by id: the name from any sso-session's account cache (as
 * `keyless list` and `sync` saw it; age does not matter for a name), else from a synced profile's
 * `keyless_account_name`; the environment from any profile of that account (`keyless_account_id` or
 * `sso_account_id`) that sets `keyless_environment`. The guard decides by these, so a hand-written
 * AWS-native SSO profile or a role chain into a production account is guarded like its synced twin.
 */
export async function accountFacts(accountId: string | undefined, config: AwsConfig, deps: {cacheDir: string; now: () => number}): Promise<AccountFacts> {
  if (accountId === undefined) return {}
  const facts: AccountFacts = {}
  for (const session of listSsoSessions(config)) {
    const cache = await readAssignmentCache(deps.cacheDir, session, deps.now(), Number.POSITIVE_INFINITY)
    const account = cache?.accounts.find((a) => a.accountId === accountId)
    if (account) {
      facts.accountName = account.accountName
      facts.session = session.name
      break
    }
  }
  for (const settings of Object.values(config.profiles)) {
    if (settings.keyless_account_id !== accountId && settings.sso_account_id !== accountId) continue
    if (facts.accountName === undefined && settings.keyless_account_name) {
      facts.accountName = settings.keyless_account_name
      if (settings.keyless_session) facts.session = settings.keyless_session
    }
    const environment = settings.keyless_environment?.trim()
    if (environment && (facts.environment === undefined || productionValues.has(environment.toLowerCase()))) facts.environment = environment
  }
  return facts
}
