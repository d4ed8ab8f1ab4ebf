import type {AwsCredentials} from './credential-types.js'

/**
 * Cached credentials are reused while more than this remains: botocore re-runs credential_process
 * below 15 minutes (twice per invocation under 10), and the AWS SDKs refresh early, so handing out
 * less would make them call again at once.
 */
export const reuseWindowMs = 15 * 60 * 1000

/** The stored form of a cached credential (JSON, the expiry inside the value). */
interface StoredCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** ISO-8601 */
  expiration: string
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0

/** The cached credentials in a store value, or undefined when missing or unreadable (a corrupt item is a miss). */
export function parseStoredCredentials(text: string | undefined): AwsCredentials | undefined {
  if (text === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!value || typeof value !== 'object') return undefined
  const v = value as Partial<Record<keyof StoredCredentials, unknown>>
  if (!isText(v.accessKeyId) || !isText(v.secretAccessKey) || !isText(v.sessionToken) || !isText(v.expiration)) return undefined
  const expiresAt = Date.parse(v.expiration)
  if (!Number.isFinite(expiresAt)) return undefined
  return {accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey, sessionToken: v.sessionToken, expiresAt}
}

export function serializeCredentials(credentials: AwsCredentials): string {
  const stored: StoredCredentials = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: new Date(credentials.expiresAt).toISOString(),
  }
  return JSON.stringify(stored)
}

/** true while more than `windowMs` of the credentials' life remains at `now`. */
export function hasTimeLeft(credentials: AwsCredentials, now: number, windowMs = reuseWindowMs): boolean {
  return credentials.expiresAt - now > windowMs
}
