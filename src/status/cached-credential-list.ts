import type {AwsConfig} from '../config/load-aws-config.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {credentialKey} from '../credentials/credential-key.js'
import {credentialSpec} from '../credentials/credential-spec.js'
import {parseStoredCredentials} from '../credentials/stored-credentials.js'
import type {StoreDeps} from '../deps.js'
import {guardDecision, guardPatterns, isGuarded} from '../guard/guard-policy.js'
import {readAssignmentCache} from '../portal/assignment-cache.js'
import {storeKeys} from '../store/keys.js'
import {pairProfiles} from '../config/pair-profiles.js'
import type {SsoSession} from '../config/profile-types.js'

/** One cached role credential of a session, as status shows it: names and times, never a secret. */
export interface CachedCredential {
  /** `role`: an Identity Center role (role/<session>/<account>/<role>); `chain`: a chained role (chain/<session>/<digest>). */
  kind: 'role' | 'chain'
  accountId?: string
  /** From the session's account cache, else a profile's keyless_account_name. */
  accountName?: string
  roleName?: string
  /** Profiles of the config these credentials serve (a chain without one cannot be named). */
  profiles: string[]
  expiresAt: string
  secondsLeft: number
  /** Production: a serving profile or the account is guarded (keyless_environment, keyless_guard). */
  guarded: boolean
}

export interface CachedCredentialList {
  /** Unexpired, sorted by account name (or id) and role; chains after roles. */
  live: CachedCredential[]
  /** Items past their expiry (a later fetch replaces them). */
  expired: number
}

/** Profiles of the config by the store key of their cached chained credentials. */
export type ChainProfiles = Map<string, string[]>

/** Every role-chain profile of the config by its `chain/<session>/<digest>` key (profiles that do not resolve are left out). */
export function chainProfiles(config: AwsConfig): ChainProfiles {
  const byKey: ChainProfiles = new Map()
  for (const [name, settings] of Object.entries(config.profiles)) {
    if (!settings.role_arn) continue
    let key: string | undefined
    try {
      key = credentialKey(credentialSpec(resolveProfile(config, name)))
    } catch {
      continue
    }
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), name])
  }
  return byKey
}

/**
 * The cached role and chained-role credentials of session `name`, with account names from the
 * non-secret account cache (when `session` is configured) and the guard's verdict. Unreadable items
 * are skipped, as the credential cache treats them as misses.
 */
export async function cachedCredentialList(
  input: {name: string; session?: SsoSession; config: AwsConfig; chains: () => ChainProfiles},
  deps: StoreDeps,
): Promise<CachedCredentialList> {
  const {name, config} = input
  const now = deps.now()
  const roleKeys = await deps.store.list(storeKeys.rolePrefix(name))
  const chainKeys = await deps.store.list(storeKeys.chainPrefix(name))
  const accounts = input.session && roleKeys.length + chainKeys.length > 0 ? await readAssignmentCache(deps.paths.cacheDir, input.session, now, Number.POSITIVE_INFINITY) : undefined
  const accountNames = new Map((accounts?.accounts ?? []).map((a) => [a.accountId, a.accountName]))
  const patterns = guardPatterns(config.ssoSessions[name])
  const serving = pairProfiles(config).filter((p) => p.session === name)

  const live: CachedCredential[] = []
  let expired = 0
  const add = async (key: string, describe: () => Omit<CachedCredential, 'expiresAt' | 'secondsLeft'> | undefined) => {
    const credentials = parseStoredCredentials(await deps.store.get(key))
    if (!credentials) return
    if (credentials.expiresAt <= now) {
      expired++
      return
    }
    const entry = describe()
    if (entry) live.push({...entry, expiresAt: new Date(credentials.expiresAt).toISOString(), secondsLeft: Math.floor((credentials.expiresAt - now) / 1000)})
  }

  for (const key of roleKeys) {
    await add(key, () => {
      const [accountId, ...role] = key.slice(storeKeys.rolePrefix(name).length).split('/')
      const roleName = role.join('/')
      if (!accountId || !roleName) return undefined
      const profiles = serving.filter((p) => p.accountId === accountId && p.roleName === roleName)
      const accountName = accountNames.get(accountId) ?? profiles.find((p) => p.accountName)?.accountName
      const guarded =
        profiles.length === 0
          ? isGuarded({profileName: '', accountName, settings: {}}, patterns)
          : profiles.some((p) => isGuarded({profileName: p.name, accountName: accountName ?? p.accountName, settings: config.profiles[p.name] ?? {}}, patterns))
      return {kind: 'role', accountId, ...(accountName ? {accountName} : {}), roleName, profiles: profiles.map((p) => p.name).sort(), guarded}
    })
  }

  const chained = chainKeys.length > 0 ? input.chains() : new Map<string, string[]>()
  for (const key of chainKeys) {
    await add(key, () => {
      const profiles = [...(chained.get(key) ?? [])].sort()
      const decisions = profiles.map((profile) => {
        const resolved = resolveProfile(config, profile)
        const first = guardDecision(resolved, config.ssoSessions)
        const accountName = first.target.accountId === undefined ? undefined : accountNames.get(first.target.accountId)
        return accountName === undefined ? first : guardDecision(resolved, config.ssoSessions, accountName)
      })
      const target = decisions[0]?.target
      return {
        kind: 'chain',
        ...(target?.accountId ? {accountId: target.accountId} : {}),
        ...(target?.accountName ? {accountName: target.accountName} : {}),
        ...(target?.roleName ? {roleName: target.roleName} : {}),
        profiles,
        guarded: decisions.some((d) => d.guarded),
      }
    })
  }

  const sortName = (c: CachedCredential) => `${c.kind === 'chain' ? 1 : 0}\u0000${(c.accountName ?? c.accountId ?? '').toLowerCase()}\u0000${c.accountId ?? ''}\u0000${c.roleName ?? ''}\u0000${c.profiles.join(',')}`
  live.sort((a, b) => (sortName(a) < sortName(b) ? -1 : sortName(a) > sortName(b) ? 1 : 0))
  return {live, expired}
}
