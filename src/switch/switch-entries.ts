import type {AwsConfig} from '../config/load-aws-config.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {servingRefusal} from '../credentials/get-credentials.js'
import {KeylessError} from '../errors.js'
import {environmentOf, guardPatterns} from '../guard/guard-policy.js'
import {pairKey, type AccountRolePair} from '../config/account-role-pair.js'
import {pairProfiles} from '../config/pair-profiles.js'

/** One thing `keyless switch` can switch to: an account/role pair, a profile, or both. */
export interface SwitchEntry {
  /** Frecency key: the profile name, else `pair:SESSION/ACCOUNT/ROLE`. */
  key: string
  profile?: string
  session?: string
  accountId?: string
  accountName?: string
  roleName?: string
  region?: string
  /** Production-like (guard patterns or keyless_environment = prod). */
  guarded: boolean
  /** Role chains and other profiles that are not a pair: what they are. */
  detail?: string
}

/**
 * The text the fuzzy matcher searches: profile, account name, id, role, session — the account and
 * role names only when the profile name does not already contain them (the default template
 * `{account_name}.{role_name}` does), which keeps texts short and keystrokes fast.
 */
export function entryText(e: SwitchEntry): string {
  const inProfile = (part: string | undefined) => part !== undefined && e.profile !== undefined && e.profile.includes(part)
  return [e.profile, inProfile(e.accountName) ? undefined : e.accountName, e.accountId, inProfile(e.roleName) ? undefined : e.roleName, e.session, e.detail]
    .filter(Boolean)
    .join(' ')
}

/**
 * Every pair from the portal (all sessions) merged with the profiles of the AWS config that serve
 * them, plus the other profiles keyless can serve (role chains, SSO profiles of other sessions).
 * A pair with several profiles appears once per profile.
 */
export function switchEntries(pairs: AccountRolePair[], config: AwsConfig): SwitchEntry[] {
  const patternsOf = (session: string | undefined) => guardPatterns(session === undefined ? undefined : config.ssoSessions[session])
  const guarded = (profile: string | undefined, accountName: string | undefined, session: string | undefined) => {
    const settings = profile ? config.profiles[profile] ?? {} : {}
    const environment = environmentOf({profileName: profile ?? '', accountName, settings}, patternsOf(session))
    return environment?.toLowerCase() === 'prod' || environment?.toLowerCase() === 'production'
  }
  const profilesOfPair = new Map<string, string[]>()
  const serving = pairProfiles(config)
  for (const p of serving) {
    const key = pairKey(p)
    profilesOfPair.set(key, [...(profilesOfPair.get(key) ?? []), p.name])
  }
  const entries: SwitchEntry[] = []
  const covered = new Set<string>()
  for (const pair of pairs) {
    const names = profilesOfPair.get(pairKey(pair)) ?? [undefined]
    for (const name of names) {
      if (name) covered.add(name)
      entries.push({
        key: name ?? `pair:${pairKey(pair)}`,
        ...(name ? {profile: name} : {}),
        session: pair.session,
        accountId: pair.accountId,
        accountName: pair.accountName,
        roleName: pair.roleName,
        region: name ? config.profiles[name]?.region || undefined : undefined,
        guarded: guarded(name, pair.accountName, pair.session),
      })
    }
  }
  // Profiles whose pair the portal did not list (another session, no longer assigned, …).
  for (const p of serving) {
    if (covered.has(p.name)) continue
    entries.push({key: p.name, profile: p.name, session: p.session, accountId: p.accountId, accountName: p.accountName, roleName: p.roleName, region: p.region, guarded: guarded(p.name, p.accountName, p.session)})
    covered.add(p.name)
  }
  // Role chains keyless can serve (one it refuses, e.g. with mfa_serial, would only fail when chosen).
  for (const [name, s] of Object.entries(config.profiles)) {
    if (covered.has(name) || !s.role_arn || !s.source_profile || !servable(config, name)) continue
    const accountId = /^arn:[^:]+:iam::(\d{12}):/.exec(s.role_arn)?.[1]
    entries.push({key: name, profile: name, accountId, roleName: s.role_arn.split('/').at(-1), region: s.region || undefined, detail: `via ${s.source_profile}`, guarded: guarded(name, undefined, undefined)})
  }
  return entries
}

/** Whether keyless would serve the profile (its resolution does not refuse it). */
function servable(config: AwsConfig, name: string): boolean {
  try {
    return servingRefusal(resolveProfile(config, name)) === undefined
  } catch (error) {
    if (error instanceof KeylessError) return false
    throw error
  }
}
