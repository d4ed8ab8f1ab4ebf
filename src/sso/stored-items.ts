import type {SecretStore} from '../store/secret-store.js'
import {storeKeys} from '../store/keys.js'
import type {SsoSession} from './session-types.js'

export type LoginFlow = 'device' | 'pkce'

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

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The stored registration, or undefined when missing or unreadable (a corrupt item is a miss). */
export async function readRegistration(store: SecretStore, session: string): Promise<StoredRegistration | undefined> {
  const v = parse(await store.get(storeKeys.registration(session)))
  if (!v || !isString(v.clientId) || !isString(v.clientSecret) || !isTime(v.expiresAt)) return undefined
  if (!isStringArray(v.scopes) || !isStringArray(v.grantTypes) || (v.flow !== 'device' && v.flow !== 'pkce')) return undefined
  if (!isString(v.startUrl) || !isString(v.region)) return undefined
  return {
    clientId: v.clientId,
    clientSecret: v.clientSecret,
    expiresAt: v.expiresAt,
    scopes: v.scopes,
    flow: v.flow,
    grantTypes: v.grantTypes,
    startUrl: v.startUrl,
    region: v.region,
  }
}

export async function writeRegistration(store: SecretStore, session: string, registration: StoredRegistration): Promise<void> {
  await store.set(storeKeys.registration(session), JSON.stringify(registration))
}

/** The stored token, or undefined when missing or unreadable. */
export async function readToken(store: SecretStore, session: string): Promise<StoredToken | undefined> {
  const v = parse(await store.get(storeKeys.token(session)))
  if (!v || typeof v.accessToken !== 'string' || !isTime(v.expiresAt)) return undefined
  if (!isString(v.startUrl) || !isString(v.region) || !isStringArray(v.scopes)) return undefined
  if (v.refreshToken !== undefined && !isString(v.refreshToken)) return undefined
  if (!v.accessToken && !v.refreshToken) return undefined
  return {
    accessToken: v.accessToken,
    ...(v.refreshToken ? {refreshToken: v.refreshToken} : {}),
    expiresAt: v.expiresAt,
    startUrl: v.startUrl,
    region: v.region,
    scopes: v.scopes,
  }
}

export async function writeToken(store: SecretStore, session: string, token: StoredToken): Promise<void> {
  await store.set(storeKeys.token(session), JSON.stringify(token))
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

/** Every store key of a session: registration, token, role credentials, and anything else under `<kind>/<session>`. */
export async function sessionKeys(store: SecretStore, session: string): Promise<string[]> {
  const keys = new Set<string>()
  for (const prefix of [storeKeys.registration(session), storeKeys.token(session), storeKeys.rolePrefix(session)]) {
    for (const key of await store.list(prefix)) {
      if (key === prefix || prefix.endsWith('/') || key.startsWith(`${prefix}/`)) keys.add(key)
    }
  }
  return [...keys].sort()
}
