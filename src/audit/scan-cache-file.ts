import type {Finding} from './audit-types.js'
import {displayPath} from './display-path.js'
import {maskKeyId} from '../util/mask-key-id.js'

export interface CacheFileInput {
  path: string
  home: string
  text: string
  /** `sso`: ~/.aws/sso/cache (tokens, client registrations); `cli`: ~/.aws/cli/cache and ~/.aws/boto/cache (role credentials). */
  cache: 'sso' | 'cli'
  modifiedAt: number
}

const day = 24 * 3600 * 1000

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const t = typeof value === 'number' ? value : Date.parse(value)
  return Number.isNaN(t) ? undefined : t
}

/**
 * A plaintext cache another AWS tool keeps: an SSO token or client registration, or role
 * credentials. Information only (with its expiry): the tool manages it, but it is a secret on disk.
 * Undefined for a file that is not such a cache.
 */
export function scanCacheFile(input: CacheFileInput, now: number): Finding | undefined {
  let data: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(input.text)
    if (typeof parsed !== 'object' || parsed === null) return undefined
    data = parsed as Record<string, unknown>
  } catch {
    return undefined
  }
  const shown = displayPath(input.path, input.home)
  let what: string
  let expiresAt: number | undefined
  let keyId: string | undefined
  let advice: string
  if (input.cache === 'sso') {
    if (typeof data.accessToken === 'string') {
      what = `an SSO access token${typeof data.refreshToken === 'string' ? ' and a refresh token' : ''}${typeof data.startUrl === 'string' ? ` for ${data.startUrl}` : ''}`
      expiresAt = parseTime(data.expiresAt)
      advice = '`aws sso logout` removes it; keyless keeps its own tokens in the secret store.'
    } else if (typeof data.clientSecret === 'string') {
      what = 'an SSO client registration (client secret)'
      expiresAt = parseTime(data.expiresAt ?? data.registrationExpiresAt)
      advice = 'Left by the AWS CLI; delete the file when you no longer use `aws sso login`.'
    } else {
      return undefined
    }
  } else {
    const credentials = data.Credentials as Record<string, unknown> | undefined
    if (typeof credentials !== 'object' || credentials === null || typeof credentials.AccessKeyId !== 'string') return undefined
    what = 'temporary role credentials'
    keyId = maskKeyId(credentials.AccessKeyId)
    expiresAt = parseTime(credentials.Expiration)
    advice = 'Cached by the AWS CLI for an assumed role; delete the file if you do not need it.'
  }
  const expired = expiresAt !== undefined && expiresAt <= now
  return {
    id: `${input.cache}-cache:${input.path}`,
    kind: input.cache === 'sso' ? 'sso-cache' : 'cli-cache',
    location: shown,
    file: input.path,
    ...(keyId ? {keyId} : {}),
    keyType: input.cache === 'sso' ? 'token' : 'temporary',
    longLived: false,
    severity: 'info',
    fileModifiedAt: new Date(input.modifiedAt).toISOString(),
    fileAgeDays: Math.max(0, Math.floor((now - input.modifiedAt) / day)),
    ...(expiresAt === undefined ? {} : {expiresAt: new Date(expiresAt).toISOString(), expired}),
    fixable: false,
    advice,
    notes: [`Holds ${what} in plaintext.`],
  }
}
