import type {ResolvedProfile} from '../config/profile-types.js'

/** What the guard looks at for one profile. */
export interface GuardInput {
  profileName: string
  /** The account's name (from the portal or the synced profile), when known. */
  accountName?: string
  /** The account's `keyless_environment` from another profile of the same account (portal/account-facts). */
  accountEnvironment?: string
  /** The profile's settings (keyless_environment lives here). */
  settings: Record<string, string>
}

/** Used when the sso-session has no `keyless_guard`: anything named like production. */
export const defaultGuardPatterns: readonly string[] = ['*prod*']

const productionValues = new Set(['prod', 'production'])

/**
 * The glob patterns of an sso-session's `keyless_guard` (comma-separated, e.g. `*prod*, payments-*`).
 * Missing: the default `*prod*`. Present but empty: no name-based guard (only `keyless_environment`).
 */
export function guardPatterns(ssoSessionSettings: Record<string, string> | undefined): string[] {
  const raw = ssoSessionSettings?.keyless_guard
  if (raw === undefined) return [...defaultGuardPatterns]
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
}

/** A case-insensitive whole-name glob: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, name: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('')
  return new RegExp(`^${source}$`, 'is').test(name)
}

/**
 * The environment a profile belongs to: its explicit `keyless_environment` (which decides, so a
 * `nonprod` account can be marked `keyless_environment = dev`), else `prod` when the account or
 * profile name matches one of the patterns, else undefined.
 */
export function environmentOf(input: GuardInput, patterns: readonly string[]): string | undefined {
  const explicit = input.settings.keyless_environment?.trim()
  if (explicit) return explicit
  const names = [input.profileName, input.accountName].filter((n): n is string => Boolean(n))
  if (patterns.some((p) => names.some((n) => globMatches(p, n)))) return 'prod'
  return input.accountEnvironment?.trim() || undefined
}

/** Guarded: `keyless_environment = prod` (or `production`), or a name matching the session's `keyless_guard` globs. */
export function isGuarded(input: GuardInput, patterns: readonly string[]): boolean {
  const environment = environmentOf(input, patterns)
  return environment !== undefined && productionValues.has(environment.toLowerCase())
}

/** The sso-session whose `keyless_guard` applies to a resolved profile (a chain uses its source's). */
export function sessionNameOf(profile: ResolvedProfile): string | undefined {
  if (profile.kind === 'sso') return profile.session.name
  if (profile.kind === 'chain') return sessionNameOf(profile.source)
  return undefined
}

/** The 12-digit account a resolved profile ends up in, when the config says. */
export function accountIdOf(profile: ResolvedProfile): string | undefined {
  if (profile.kind === 'sso') return profile.accountId
  if (profile.kind === 'chain') return /^arn:[^:]+:iam::(\d{12}):/.exec(profile.roleArn)?.[1]
  return undefined
}

/** The role name a resolved profile ends up in. */
export function roleNameOf(profile: ResolvedProfile): string | undefined {
  if (profile.kind === 'sso') return profile.roleName
  if (profile.kind === 'chain') return profile.roleArn.split('/').at(-1)
  return undefined
}

/** Everything exec/switch/console need to decide and to show a guarded profile. */
export interface GuardDecision {
  guarded: boolean
  /** The value for KEYLESS_ENVIRONMENT in a child (undefined: remove it). */
  environment?: string
  target: {profileName: string; accountName?: string; accountId?: string; roleName?: string}
}

/**
 * Applies the policy to a resolved profile. `ssoSessions` are the `[sso-session]` settings by name
 * (AwsConfig.ssoSessions); `account` is the account's name (or its facts by id: name, environment,
 * session, from portal/account-facts) when the caller has it, else a synced profile's
 * `keyless_account_name` is used.
 */
export function guardDecision(
  profile: ResolvedProfile,
  ssoSessions: Record<string, Record<string, string>>,
  account?: string | {accountName?: string; environment?: string; session?: string},
): GuardDecision {
  const facts = typeof account === 'string' ? {accountName: account} : (account ?? {})
  // The profile's sso-session's keyless_guard; for a chain from static keys, the session that knows the account.
  const session = sessionNameOf(profile) ?? facts.session
  const patterns = guardPatterns(session === undefined ? undefined : ssoSessions[session])
  const name = facts.accountName ?? profile.settings.keyless_account_name
  const input: GuardInput = {profileName: profile.name, accountName: name, settings: profile.settings, ...(facts.environment ? {accountEnvironment: facts.environment} : {})}
  return {
    guarded: isGuarded(input, patterns),
    environment: environmentOf(input, patterns),
    target: {profileName: profile.name, accountName: name, accountId: accountIdOf(profile), roleName: roleNameOf(profile)},
  }
}
