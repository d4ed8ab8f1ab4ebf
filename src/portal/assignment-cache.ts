import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeFileAtomic} from '../util/write-file-atomic.js'
import type {SsoSession} from '../config/profile-types.js'
import type {DiscoveredAccount} from './discover-assignments.js'

/** How long a discovered account list is used before the portal is asked again. */
export const assignmentCacheTtlMs = 60 * 60 * 1000

/** What is cached per session: names and ids only (nothing secret). */
export interface CachedAssignments {
  version: 1
  session: string
  startUrl: string
  /** epoch ms */
  fetchedAt: number
  accounts: DiscoveredAccount[]
}

export function assignmentCachePath(cacheDir: string, session: string): string {
  return join(cacheDir, 'accounts', `${encodeURIComponent(session)}.json`)
}

/**
 * The cached account list of a session, or undefined when there is none, it is older than `ttlMs`,
 * it belongs to another start URL (the session was re-pointed), or it cannot be parsed.
 */
export async function readAssignmentCache(
  cacheDir: string,
  session: SsoSession,
  now: number,
  ttlMs: number = assignmentCacheTtlMs,
): Promise<CachedAssignments | undefined> {
  let text: string
  try {
    text = await readFile(assignmentCachePath(cacheDir, session.name), 'utf8')
  } catch {
    return undefined
  }
  try {
    const value = JSON.parse(text) as CachedAssignments
    if (value.version !== 1 || value.session !== session.name || value.startUrl !== session.startUrl) return undefined
    if (!Array.isArray(value.accounts) || typeof value.fetchedAt !== 'number') return undefined
    if (now - value.fetchedAt >= ttlMs || value.fetchedAt > now + 60_000) return undefined
    return value
  } catch {
    return undefined
  }
}

export async function writeAssignmentCache(cacheDir: string, session: SsoSession, fetchedAt: number, accounts: DiscoveredAccount[]): Promise<void> {
  const value: CachedAssignments = {version: 1, session: session.name, startUrl: session.startUrl, fetchedAt, accounts}
  await writeFileAtomic(assignmentCachePath(cacheDir, session.name), `${JSON.stringify(value)}\n`, {mode: 0o600})
}
