import {KeylessError} from '../errors.js'

/**
 * A replaced run of lines: `before` (the original lines, with their terminators) stood at line
 * `start` of the original file; `after` stands at line `at` of the fixed file. Restoring puts `before`
 * back where `after` is.
 */
export interface Hunk {
  start: number
  at: number
  before: string[]
  after: string[]
}

/** One file `--fix` changed for a profile. */
export interface FileRecord {
  path: string
  /** The file did not exist before (`--replace-with` created the config file). */
  existed: boolean
  /** sha256 of the whole file before and after the fix (the whole batch, when several profiles were fixed at once). */
  hashBefore: string
  hashAfter: string
  hunks: Hunk[]
}

/** What one `--fix` removed for one profile: enough to put it back byte for byte. */
export interface AuditRecord {
  profile: string
  /** Profiles fixed by one run share a batch; restoring the whole batch gives the files back exactly. */
  batch: string
  fixedAt: string
  replacedWith?: string
  /** `--keep`: the key was also stored as `user-key/<keptAs>` and the profile serves it via GetSessionToken. */
  keptAs?: string
  files: FileRecord[]
}

/** The secret-store item `audit/<profile>` (encrypted by the store: the lines hold the secret key). */
export interface AuditItem {
  version: 1
  records: AuditRecord[]
}

export function encodeAuditItem(item: AuditItem): string {
  return JSON.stringify(item)
}

export function decodeAuditItem(text: string, key: string): AuditItem {
  try {
    const item = JSON.parse(text) as AuditItem
    if (item.version === 1 && Array.isArray(item.records)) return item
  } catch {
    // fall through
  }
  throw new KeylessError(`The stored item ${key} is not one keyless can read.`, {
    code: 'AuditItemUnreadable',
    hint: 'It was left as it is; nothing was changed.',
  })
}
