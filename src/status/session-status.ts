import {loadAwsConfig} from '../config/load-aws-config.js'
import {listSsoSessions} from '../config/sso-sessions.js'
import type {StoreDeps} from '../deps.js'
import {cachedCredentialList, chainProfiles, type CachedCredential, type ChainProfiles} from './cached-credential-list.js'
import {storedSessionNames} from '../sso/logout-session.js'
import {belongsTo, readRegistration, readToken} from '../sso/stored-items.js'
import {REFRESH_WINDOW_MS} from '../sso/token-state.js'

/** The AWS SDK for JavaScript v3 requires this Node.js major for releases after the first week of January 2027. */
export const SDK_NODE_MAJOR = 22

export interface SessionStatus {
  session: string
  /** false for a session whose secrets are stored but which is no longer in the config. */
  configured: boolean
  startUrl?: string
  region?: string
  token: {
    state: 'valid' | 'expiring' | 'expired' | 'none'
    expiresAt?: string
    /** seconds; negative once expired */
    secondsLeft?: number
    refreshable: boolean
  }
  registration: {expiresAt?: string; secondsLeft?: number}
  roleCredentials: {
    /** Unexpired role and chained-role credentials. */
    count: number
    expired: number
    soonestExpiry?: string
    soonestSecondsLeft?: number
    /** Each unexpired one: account, role, profiles, time left, guarded. */
    items: CachedCredential[]
  }
}

export interface StatusResult {
  store: {kind: string; description: string}
  sessions: SessionStatus[]
  node: {version: string; supported: boolean; note?: string}
}

/** Node versions below the SDK's upcoming minimum get one note. */
export function nodeSupport(version: string): StatusResult['node'] {
  const major = Number.parseInt(version.replace(/^v/, ''), 10)
  if (!Number.isFinite(major) || major >= SDK_NODE_MAJOR) return {version, supported: true}
  return {
    version,
    supported: false,
    note:
      `Node.js ${version}: AWS SDK for JavaScript v3 releases published after the first week of January 2027 ` +
      `require Node.js ${SDK_NODE_MAJOR} or later; upgrade Node.js to keep getting SDK fixes.`,
  }
}

const iso = (ms: number) => new Date(ms).toISOString()
const secondsLeft = (ms: number, now: number) => Math.floor((ms - now) / 1000)

/** `keyless status`: every session's token, registration and cached role credentials. Never a secret. */
export async function sessionStatus(input: {nodeVersion: string}, deps: StoreDeps): Promise<StatusResult> {
  const config = await loadAwsConfig(deps.paths)
  const configured = listSsoSessions(config)
  const stored = await storedSessionNames(deps)
  const now = deps.now()
  const sessions: SessionStatus[] = []
  let chainMap: ChainProfiles | undefined
  const chains = () => (chainMap ??= chainProfiles(config))
  const names = [...configured.map((s) => s.name), ...stored.filter((n) => !configured.some((s) => s.name === n))]
  for (const name of names) {
    const session = configured.find((s) => s.name === name)
    const token = await readToken(deps.store, name)
    const registration = await readRegistration(deps.store, name)
    const usable = token && (!session || belongsTo(token, session)) ? token : undefined
    let state: SessionStatus['token']['state'] = 'none'
    if (usable) {
      const left = usable.expiresAt - now
      state = !usable.accessToken || left <= 0 ? 'expired' : left <= REFRESH_WINDOW_MS ? 'expiring' : 'valid'
    }
    const cached = await cachedCredentialList({name, session, config, chains}, deps)
    const soonest = cached.live.reduce<CachedCredential | undefined>((a, c) => (a === undefined || c.secondsLeft < a.secondsLeft ? c : a), undefined)
    sessions.push({
      session: name,
      configured: Boolean(session),
      startUrl: session?.startUrl ?? token?.startUrl,
      region: session?.region ?? token?.region,
      token: {
        state,
        ...(usable && usable.accessToken ? {expiresAt: iso(usable.expiresAt), secondsLeft: secondsLeft(usable.expiresAt, now)} : {}),
        refreshable: Boolean(usable?.refreshToken),
      },
      registration: registration ? {expiresAt: iso(registration.expiresAt), secondsLeft: secondsLeft(registration.expiresAt, now)} : {},
      roleCredentials: {
        count: cached.live.length,
        expired: cached.expired,
        ...(soonest === undefined ? {} : {soonestExpiry: soonest.expiresAt, soonestSecondsLeft: soonest.secondsLeft}),
        items: cached.live,
      },
    })
  }
  return {store: {kind: deps.store.kind, description: deps.store.description}, sessions, node: nodeSupport(input.nodeVersion)}
}
