import type {SecretStore} from '../store/secret-store.js'
import {storeKeys} from '../store/keys.js'
import {getJson, setJson} from '../store/typed-store.js'
import type {SsoSession} from '../config/profile-types.js'

export type {LoginFlow} from '../config/profile-types.js'
import type {LoginFlow} from '../config/profile-types.js'

/** An OIDC client registration (RegisterClient), one per session, in the secret store. */
export interface StoredRegistration {
  clientId: string
  clientSecret: string
  /** epoch ms (clientSecretExpiresAt) */
  expiresAt: number
  scopes: string[]
  flow: LoginFlow
  grantTypes: string[]
  /** The start URL and region it was registered for (PKCE registrations name the issuer). */
  startUrl: string
  region: string
}

/** A session's portal token, in the secret store. */
export interface StoredToken {
  accessToken: string
  refreshToken?: string
  /** epoch ms */
  expiresAt: number
  startUrl: string
  region: string
  scopes: string[]
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

function isRegistration(v: unknown): v is StoredRegistration {
  const r = v as Record<string, unknown> | null
  return (
    typeof r === 'object' && r !== null && isString(r.clientId) && isString(r.clientSecret) && isTime(r.expiresAt) &&
    isStringArray(r.scopes) && isStringArray(r.grantTypes) && (r.flow === 'device' || r.flow === 'pkce') &&
    isString(r.startUrl) && isString(r.region)
  )
}

function isToken(v: unknown): v is StoredToken {
  const t = v as Record<string, unknown> | null
  return (
    typeof t === 'object' && t !== null && typeof t.accessToken === 'string' && isTime(t.expiresAt) &&
    isString(t.startUrl) && isString(t.region) && isStringArray(t.scopes) &&
    (t.refreshToken === undefined || isString(t.refreshToken)) && Boolean(t.accessToken || t.refreshToken)
  )
}

/** The stored registration, or undefined when missing or unreadable (a corrupt item is a miss). */
export async function readRegistration(store: SecretStore, session: string): Promise<StoredRegistration | undefined> {
  const r = await getJson(store, storeKeys.registration(session), isRegistration)
  return r && {
    clientId: r.clientId,
    clientSecret: r.clientSecret,
    expiresAt: r.expiresAt,
    scopes: r.scopes,
    flow: r.flow,
    grantTypes: r.grantTypes,
    startUrl: r.startUrl,
    region: r.region,
  }
}

export async function writeRegistration(store: SecretStore, session: string, registration: StoredRegistration): Promise<void> {
  await setJson(store, storeKeys.registration(session), registration)
}

/** The stored token, or undefined when missing or unreadable. */
export async function readToken(store: SecretStore, session: string): Promise<StoredToken | undefined> {
  const t = await getJson(store, storeKeys.token(session), isToken)
  return t && {
    accessToken: t.accessToken,
    ...(t.refreshToken ? {refreshToken: t.refreshToken} : {}),
    expiresAt: t.expiresAt,
    startUrl: t.startUrl,
    region: t.region,
    scopes: t.scopes,
  }
}

export async function writeToken(store: SecretStore, session: string, token: StoredToken): Promise<void> {
  await setJson(store, storeKeys.token(session), token)
}

/** Whether a stored item was made for this session's current start URL and region. */
export function belongsTo(item: {startUrl: string; region: string}, session: SsoSession): boolean {
  return sameUrl(item.startUrl, session.startUrl) && item.region === session.region
}

export function sameScopes(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort()
  const y = [...new Set(b)].sort()
  return x.length === y.length && x.every((s, i) => s === y[i])
}

function sameUrl(a: string, b: string): boolean {
  const trim = (u: string) => u.trim().replace(/\/+$/, '').replace(/#.*$/, '')
  return trim(a) === trim(b)
}

/** Every store key of a session: registration, token, role and chained-role credentials. */
export async function sessionKeys(store: SecretStore, session: string): Promise<string[]> {
  const keys = new Set<string>()
  for (const prefix of [storeKeys.registration(session), storeKeys.token(session), storeKeys.rolePrefix(session), storeKeys.chainPrefix(session)]) {
    for (const key of await store.list(prefix)) {
      if (key === prefix || prefix.endsWith('/') || key.startsWith(`${prefix}/`)) keys.add(key)
    }
  }
  return [...keys].sort()
}
