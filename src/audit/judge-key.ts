import type {KeyType, Severity} from './audit-types.js'

/** Temporary credentials never live longer than this (GetSessionToken's maximum). */
export const maxTemporaryLifetimeMs = 36 * 3600 * 1000

export interface KeyFacts {
  keyId?: string
  hasSessionToken: boolean
  /** epoch ms, when the entry says */
  expiresAt?: number
  /** epoch ms of the file's last change, for files */
  modifiedAt?: number
}

export interface KeyJudgement {
  keyType: KeyType
  longLived: boolean
  severity: Severity
  /** Temporary credentials that are surely dead. */
  expired?: boolean
}

/**
 * AKIA… is an IAM user's long-lived key (high). ASIA… or a session token means STS temporary
 * credentials: medium while they may still work, low once surely expired. Anything else without a
 * session token (no key id, another prefix) is treated as long-lived, medium: not provably temporary.
 */
export function judgeKey(facts: KeyFacts, now: number): KeyJudgement {
  const id = facts.keyId?.trim() ?? ''
  if (id.startsWith('AKIA')) return {keyType: 'long-lived', longLived: true, severity: 'high'}
  if (id.startsWith('ASIA') || facts.hasSessionToken) {
    const expired =
      facts.expiresAt !== undefined
        ? facts.expiresAt <= now
        : facts.modifiedAt !== undefined && now - facts.modifiedAt > maxTemporaryLifetimeMs
    return {keyType: 'temporary', longLived: false, severity: expired ? 'low' : 'medium', expired}
  }
  if (id === '') return {keyType: 'unknown', longLived: true, severity: 'high'}
  return {keyType: 'unknown', longLived: true, severity: 'medium'}
}
