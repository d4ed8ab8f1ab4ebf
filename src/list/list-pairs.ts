import {loadAwsConfig} from '../config/load-aws-config.js'
import {getSsoSession, listSsoSessions, pickSsoSession} from '../config/sso-sessions.js'
import {environmentOf, guardPatterns} from '../guard/guard-policy.js'
import {pairKey} from '../config/account-role-pair.js'
import {profilesByPair} from '../config/pair-profiles.js'
import type {Paths} from '../util/paths.js'
import {listAssignments, type ListAssignmentsDeps, type SessionSource} from '../portal/list-assignments.js'

/** One row of `keyless list`. */
export interface PairRow {
  session: string
  accountId: string
  accountName: string
  roleName: string
  /** The profile of the AWS config serving this pair (synced or hand-written), if any. */
  profile?: string
  /** Other profiles serving the same pair. */
  otherProfiles?: string[]
  /** `prod` for guarded (production-like) accounts. */
  environment?: string
}

export interface ListPairsInput {
  session?: string
  refresh?: boolean
}

export interface ListPairsResult {
  pairs: PairRow[]
  sessions: SessionSource[]
}

export interface ListPairsDeps extends ListAssignmentsDeps {
  paths: Pick<Paths, 'configFile' | 'credentialsFile' | 'cacheDir'>
}

/** `keyless list`: the account/role pairs of one or every sso-session, with the profile serving each. */
export async function listPairs(input: ListPairsInput, deps: ListPairsDeps): Promise<ListPairsResult> {
  const config = await loadAwsConfig(deps.paths)
  const sessions = input.session !== undefined ? [getSsoSession(config, input.session)] : listSsoSessions(config)
  if (sessions.length === 0) pickSsoSession(config) // throws the "no sso-session, run keyless configure" error
  const {pairs, sources} = await listAssignments({sessions, refresh: input.refresh}, deps)
  const byPair = profilesByPair(config)
  const rows = pairs.map((pair): PairRow => {
    const [profile, ...others] = byPair.get(pairKey(pair)) ?? []
    const settings = profile ? config.profiles[profile] : {}
    const environment = environmentOf({profileName: profile ?? '', accountName: pair.accountName, settings}, guardPatterns(config.ssoSessions[pair.session]))
    return {
      ...pair,
      ...(profile ? {profile} : {}),
      ...(others.length > 0 ? {otherProfiles: others} : {}),
      ...(environment ? {environment} : {}),
    }
  })
  return {pairs: rows, sessions: sources}
}
