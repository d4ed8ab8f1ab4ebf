import type {ResolvedProfile} from '../config/profile-types.js'
import {confirmGuarded, type ConfirmGuardedDeps} from './confirm-guarded.js'
import {guardDecision, type GuardDecision} from './guard-policy.js'

export interface GuardProfileOptions {
  /** --yes */
  yes: boolean
  /** How the user runs it, for the refusal's hint, e.g. `keyless exec`. */
  command: string
  /** The account's name when the caller knows it (the picker's list); else keyless_account_name. */
  accountName?: string
  /**
   * What keyless knows of the profile's account by id (portal/account-facts): name, environment.
   * Required, so that no caller can forget it and guard a production account by name alone.
   */
  account: {accountName?: string; environment?: string; session?: string} | undefined
}

/**
 * The one call exec, switch, console, export and agent env make after resolving a profile and before fetching
 * anything: decides whether it is guarded (the sso-session's `keyless_guard`, the profile's
 * `keyless_environment`) and, when it is, asks (or refuses without a terminal unless --yes).
 * Returns the decision; its `environment` is the value for KEYLESS_ENVIRONMENT.
 */
export async function guardProfile(
  profile: ResolvedProfile,
  ssoSessions: Record<string, Record<string, string>>,
  deps: ConfirmGuardedDeps,
  options: GuardProfileOptions,
): Promise<GuardDecision> {
  const decision = guardDecision(profile, ssoSessions, {...options.account, ...(options.accountName ? {accountName: options.accountName} : {})})
  if (decision.guarded) await confirmGuarded(decision.target, deps, {yes: options.yes, command: options.command})
  return decision
}
