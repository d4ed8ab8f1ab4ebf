import type {AwsConfig} from './load-aws-config.js'
import {legacySessionName} from './sso-sessions.js'
import {pairKey} from './account-role-pair.js'

/** A profile of the AWS config that serves one Identity Center account/role. */
export interface PairProfile {
  name: string
  session: string
  accountId: string
  roleName: string
  accountName?: string
  region?: string
  environment?: string
}

/**
 * Every profile of the config that points at an Identity Center account/role: keyless profiles
 * (synced or hand-written) and native sso_session / legacy sso_start_url profiles.
 */
export function pairProfiles(config: AwsConfig): PairProfile[] {
  const profiles: PairProfile[] = []
  for (const [name, s] of Object.entries(config.profiles)) {
    const region = s.region || undefined
    const environment = s.keyless_environment || undefined
    if (s.keyless_session && s.keyless_account_id && s.keyless_role_name) {
      profiles.push({name, session: s.keyless_session, accountId: s.keyless_account_id, roleName: s.keyless_role_name, accountName: s.keyless_account_name || undefined, region, environment})
    } else if (s.sso_account_id && s.sso_role_name && (s.sso_session || s.sso_start_url)) {
      const session = s.sso_session || legacySessionName(s.sso_start_url)
      profiles.push({name, session, accountId: s.sso_account_id, roleName: s.sso_role_name, region, environment})
    }
  }
  return profiles
}

/** pairKey → profile names serving that pair (keyless profiles first, then by name). */
export function profilesByPair(config: AwsConfig): Map<string, string[]> {
  const map = new Map<string, string[]>()
  const sorted = pairProfiles(config).sort((a, b) => Number(!config.profiles[a.name].keyless_session) - Number(!config.profiles[b.name].keyless_session) || (a.name < b.name ? -1 : 1))
  for (const p of sorted) {
    const key = pairKey(p)
    const list = map.get(key)
    if (list) list.push(p.name)
    else map.set(key, [p.name])
  }
  return map
}
