import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeFileAtomic} from '../util/write-file-atomic.js'

/** Uses of one switch target: how often, and when last. */
export interface FrecencyEntry {
  count: number
  /** epoch ms */
  last: number
}

export interface FrecencyData {
  version: 1
  entries: Record<string, FrecencyEntry>
}

const maxEntries = 500
const hour = 3_600_000

export function frecencyPath(cacheDir: string): string {
  return join(cacheDir, 'frecency.json')
}

/** The recorded uses; empty when the file is missing or unreadable (it is only a ranking hint). */
export async function readFrecency(cacheDir: string): Promise<FrecencyData> {
  try {
    const value = JSON.parse(await readFile(frecencyPath(cacheDir), 'utf8')) as FrecencyData
    if (value?.version === 1 && value.entries && typeof value.entries === 'object') return value
  } catch {
    // a missing or corrupt file ranks nothing
  }
  return {version: 1, entries: {}}
}

/**
 * Frecency as zoxide and granted rank: the use count weighted by how recent the last use was
 * (×4 within an hour, ×2 within a day, ×0.5 within a week, ×0.25 after).
 */
export function frecencyScore(entry: FrecencyEntry | undefined, now: number): number {
  if (!entry) return 0
  const age = now - entry.last
  const weight = age < hour ? 4 : age < 24 * hour ? 2 : age < 7 * 24 * hour ? 0.5 : 0.25
  return entry.count * weight
}

/** Records one use of `key`, keeping the file small (the least valuable entries go first). */
export async function recordUse(cacheDir: string, key: string, now: number): Promise<void> {
  const data = await readFrecency(cacheDir)
  const entry = data.entries[key] ?? {count: 0, last: now}
  data.entries[key] = {count: entry.count + 1, last: now}
  const keys = Object.keys(data.entries)
  if (keys.length > maxEntries) {
    keys
      .sort((a, b) => frecencyScore(data.entries[a], now) - frecencyScore(data.entries[b], now))
      .slice(0, keys.length - maxEntries)
      .forEach((k) => delete data.entries[k])
  }
  await writeFileAtomic(frecencyPath(cacheDir), `${JSON.stringify(data)}\n`, {mode: 0o600})
}
