import {createHash} from 'node:crypto'
import {CHUNK_HEAD_PREFIX, storeKeys} from './keys.js'
import type {SecretStore} from './secret-store.js'

export interface ChunkedStoreOptions {
  /** The longest value stored as one item, in UTF-16 code units (JavaScript string length); Infinity: never split. */
  chunkChars: number
}

/** The head item of a chunked value: how many chunks, and the SHA-256 of the whole value. */
export interface ChunkHead {
  count: number
  sha256: string
  /** Names this write's chunks (the digest's first 16 hex digits): a rewrite never overwrites chunks a reader may be reading. */
  version: string
}

/**
 * A store that splits a value longer than chunkChars over several items of the underlying store,
 * transparently: Windows Credential Manager refuses a secret over 2,560 bytes (1,280 UTF-16
 * characters), and one IAM Identity Center token or STS session is often longer.
 *
 * Layout: the item `key` holds a head, `keyless-chunked/1 n=COUNT sha256=DIGEST`; the chunks are
 * `key#chunk-VERSION-1` … `-COUNT` (VERSION = the digest's first 16 hex digits). A write stores the
 * chunks first and the head last, then removes the previous write's chunks, so a reader meets either
 * the old value whole or the new one whole; a missing chunk or a digest mismatch (a torn write) reads
 * as a miss (undefined), never as garbage. list hides chunk items; delete removes them with the head.
 * Values that fit are stored as they are (one startsWith check on read), unless they happen to begin
 * like a head, which are chunked so that no stored value is ever ambiguous.
 */
export function chunkedStore(raw: SecretStore, options: ChunkedStoreOptions): SecretStore {
  const limit = options.chunkChars

  const chunksOf = async (key: string, value: string | undefined): Promise<string[]> => {
    const head = value === undefined ? undefined : parseChunkHead(value)
    return head ? chunkKeys(key, head) : []
  }
  const removeAll = async (keys: string[]): Promise<void> => {
    for (const key of keys) await raw.delete(key)
  }

  return {
    kind: raw.kind,
    description: raw.description,
    async get(key) {
      const value = await raw.get(key)
      if (value === undefined || !value.startsWith(CHUNK_HEAD_PREFIX)) return value
      return readChunkedValue(key, value, (keys) => Promise.all(keys.map((k) => raw.get(k))))
    },
    async set(key, value) {
      const stale = await chunksOf(key, await raw.get(key))
      if (value.length <= limit && !value.startsWith(CHUNK_HEAD_PREFIX)) {
        await raw.set(key, value)
        await removeAll(stale)
        return
      }
      const parts = splitValue(value, limit)
      const sha256 = digest(value)
      const head: ChunkHead = {count: parts.length, sha256, version: sha256.slice(0, 16)}
      const fresh = chunkKeys(key, head)
      // Chunks first, one by one (some keychains serialise writes anyway), the head last.
      for (const [i, part] of parts.entries()) await raw.set(fresh[i], part)
      await raw.set(key, formatChunkHead(head))
      await removeAll(stale.filter((k) => !fresh.includes(k)))
    },
    async delete(key) {
      const named = await chunksOf(key, await raw.get(key))
      const removed = await raw.delete(key)
      // The head's chunks, and any other chunk of the key (a write torn before its head was stored).
      const listed = (await raw.list(`${key}#chunk-`)).filter(isChunkKey)
      let chunks = 0
      for (const chunk of new Set([...named, ...listed])) if (await raw.delete(chunk)) chunks++
      return removed || chunks > 0
    },
    async list(prefix) {
      return (await raw.list(prefix)).filter((key) => !isChunkKey(key))
    },
  }
}

/**
 * The value a head item stands for, read through readMany (one call for all chunks), or undefined
 * when a chunk is missing or the pieces do not match the digest. Used by the store and by the
 * credential-process hot path, which reads the Secret Service directly.
 */
export async function readChunkedValue(
  key: string,
  headValue: string,
  readMany: (keys: string[]) => Promise<Array<string | undefined>>,
): Promise<string | undefined> {
  const head = parseChunkHead(headValue)
  if (!head) return undefined
  const parts = await readMany(chunkKeys(key, head))
  if (parts.length !== head.count || parts.some((part) => part === undefined)) return undefined
  const value = parts.join('')
  return digest(value) === head.sha256 ? value : undefined
}

export function parseChunkHead(value: string): ChunkHead | undefined {
  const match = /^keyless-chunked\/1 n=([1-9]\d{0,4}) sha256=([0-9a-f]{64})$/.exec(value)
  if (!match || !value.startsWith(CHUNK_HEAD_PREFIX)) return undefined
  return {count: Number(match[1]), sha256: match[2], version: match[2].slice(0, 16)}
}

export function formatChunkHead(head: ChunkHead): string {
  return `${CHUNK_HEAD_PREFIX}n=${head.count} sha256=${head.sha256}`
}

export function chunkKeys(key: string, head: ChunkHead): string[] {
  return Array.from({length: head.count}, (_, i) => storeKeys.chunk(key, head.version, i + 1))
}

/** Whether a stored key is a chunk item (hidden from list). */
export function isChunkKey(key: string): boolean {
  return /#chunk-[0-9a-f]{16}-[1-9]\d*$/.test(key)
}

/** Pieces of at most `size` UTF-16 code units, never splitting a surrogate pair (an emoji). */
export function splitValue(value: string, size: number): string[] {
  if (!(size >= 2)) throw new RangeError(`chunk size ${size} is too small`)
  const parts: string[] = []
  let start = 0
  while (start < value.length) {
    let end = Math.min(start + size, value.length)
    const last = value.charCodeAt(end - 1)
    if (end < value.length && last >= 0xd8_00 && last <= 0xdb_ff) end--
    parts.push(value.slice(start, end))
    start = end
  }
  return parts.length > 0 ? parts : ['']
}

function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}
