import {unlink} from 'node:fs/promises'
import {readTextFile} from '../config/load-aws-config.js'
import {withConfigLock} from '../config/config-lock.js'
import {writeFileAtomic} from '../util/write-file-atomic.js'
import type {Paths} from '../util/paths.js'
import {UsageError} from '../errors.js'
import {storeKeys} from '../store/keys.js'
import type {SecretStore} from '../store/secret-store.js'
import {decodeAuditItem, encodeAuditItem, type AuditItem, type AuditRecord, type Hunk} from './audit-record.js'
import {displayPath} from './display-path.js'
import {textHash} from './raw-lines.js'
import {shellQuote} from '../util/shell-quote.js'
import {undoHunks} from './undo-hunks.js'
import {detectEol} from '../config/ini-document.js'
import {rawLines, terminatorOf} from './raw-lines.js'

export interface RestoreDeps {
  now: () => number
  store: SecretStore
  paths: Pick<Paths, 'home' | 'configFile' | 'lockDir'>
}

export interface RestoreInput {
  /** Profiles (or shell files) to restore; empty: everything `--fix` stored. */
  profiles: string[]
  /**
   * `--append`: lines that cannot go back where they were (the text around them changed: a section
   * renamed, CRLF conversion) are written as their own section at the end of the file instead.
   */
  append?: boolean
}

export interface RestoredFile {
  file: string
  /** The file is byte for byte what it was before the fix. */
  exact: boolean
  /** --append wrote (some of) the lines at the end of the file. */
  appended?: boolean
}

export interface RestoreResult {
  restored: Array<{profile: string; files: RestoredFile[]}>
  /** Profiles whose lines could not be placed (the file changed around them); their items stay in the store. */
  failed: Array<{profile: string; reason: string}>
}

const auditPrefix = storeKeys.audit('')

/**
 * `keyless audit --restore`: puts the lines `--fix` moved into the secret store back where they were
 * (newest fix first), removes a credential_process line `--replace-with` added, and deletes the
 * store item once its lines are back. When nothing else changed in the files since the fix, they
 * are byte for byte what they were.
 */
export async function restoreKeys(input: RestoreInput, deps: RestoreDeps): Promise<RestoreResult> {
  return withConfigLock(deps.paths, () => restoreUnlocked(input, deps))
}

async function restoreUnlocked(input: RestoreInput, deps: RestoreDeps): Promise<RestoreResult> {
  const home = deps.paths.home
  const stored = (await deps.store.list(auditPrefix)).sort()
  const keys = input.profiles.length === 0 ? stored : input.profiles.map((p) => storeKeys.audit(normalize(p, home)))
  for (const key of keys) {
    if (!stored.includes(key)) {
      const names = stored.map((k) => k.slice(auditPrefix.length))
      throw new UsageError(
        `Nothing stored for "${key.slice(auditPrefix.length)}".`,
        names.length > 0 ? `Stored by --fix: ${names.join(', ')}.` : '`keyless audit --fix` has not moved anything.',
      )
    }
  }
  const items = new Map<string, AuditItem>()
  for (const key of keys) {
    const text = await deps.store.get(key)
    if (text !== undefined) items.set(key, decodeAuditItem(text, key))
  }

  const all = [...items].flatMap(([key, item]) => item.records.map((record) => ({key, record})))
  const batches = [...new Set(all.map((r) => r.record.batch))].sort().reverse()
  const failedRecords = new Set<AuditRecord>()
  const fileResults = new Map<AuditRecord, RestoredFile[]>()
  const lostReason = new Map<AuditRecord, string>()

  for (const batch of batches) {
    const records = all.filter((r) => r.record.batch === batch).map((r) => r.record)
    const paths = [...new Set(records.flatMap((r) => r.files.map((f) => f.path)))]
    // Keys back first, then the config file (its credential_process goes last), so a kill in between leaves a working profile.
    paths.sort((a, b) => Number(a === deps.paths.configFile) - Number(b === deps.paths.configFile))
    for (const path of paths) {
      const owners = records.filter((r) => r.files.some((f) => f.path === path))
      const hunks: Array<{record: AuditRecord; hunk: Hunk}> = owners.flatMap((record) =>
        record.files.filter((f) => f.path === path).flatMap((f) => f.hunks.map((hunk) => ({record, hunk}))),
      )
      const current = await readTextFile(path)
      const undone = undoHunks(current ?? '', hunks.map((h) => h.hunk))
      const appended = input.append === true && undone.lost.length > 0
      if (appended) undone.text = appendLostLines(undone.text, undone.lost, new Date(deps.now()).toISOString())
      else {
        for (const lost of undone.lost) {
          const record = hunks.find((h) => h.hunk === lost)!.record
          failedRecords.add(record)
          lostReason.set(
            record,
            `${displayPath(path, home)} changed around the removed lines since --fix, so keyless cannot tell where they go; \`keyless audit --restore --append --profile ${shellQuote(record.profile)}\` writes them as their own section at the end of the file`,
          )
        }
      }
      const first = owners[0].files.find((f) => f.path === path)!
      const existedBefore = owners.every((r) => r.files.find((f) => f.path === path)!.existed)
      if (undone.text !== (current ?? '')) {
        if (undone.text === '' && !existedBefore) await unlink(path).catch(() => undefined)
        else await writeFileAtomic(path, undone.text, {backup: false})
      }
      const exact = undone.text === '' && !existedBefore ? true : textHash(undone.text) === first.hashBefore
      for (const record of owners) {
        fileResults.set(record, [...(fileResults.get(record) ?? []), {file: displayPath(path, home), exact, ...(appended ? {appended} : {})}])
      }
    }
  }

  const result: RestoreResult = {restored: [], failed: []}
  for (const [key, item] of items) {
    const profile = key.slice(auditPrefix.length)
    const remaining = item.records.filter((r) => failedRecords.has(r))
    const done = item.records.filter((r) => !failedRecords.has(r))
    if (remaining.length === 0) await deps.store.delete(key)
    else await deps.store.set(key, encodeAuditItem({version: 1, records: remaining}))
    // The key is back in the files: a copy kept by --keep (and its cached sessions) goes.
    for (const r of done.filter((d) => d.keptAs !== undefined)) {
      await deps.store.delete(storeKeys.userKey(r.keptAs!))
      for (const k of await deps.store.list(storeKeys.userSessionPrefix(r.keptAs!))) await deps.store.delete(k)
    }
    if (done.length > 0) result.restored.push({profile, files: done.flatMap((r) => fileResults.get(r) ?? [])})
    for (const r of remaining) result.failed.push({profile, reason: lostReason.get(r) ?? 'unknown'})
  }
  return result
}

/** `--profile ~/.bashrc` or an absolute path names a shell file as --fix stored it. */
function normalize(profile: string, home: string): string {
  if (profile.startsWith('/')) return displayPath(profile, home)
  return profile
}

/** The lines of `before` that `after` no longer has (after is before minus those, plus maybe an added line). */
function removedLines(hunk: Hunk): string[] {
  const removed: string[] = []
  let j = 0
  for (const line of hunk.before) {
    if (j < hunk.after.length && hunk.after[j] === line) j++
    else removed.push(line)
  }
  return removed
}

const iniHeader = /^\s*\[[^\]]+\]\s*(?:[#;].*)?\r?\n?$/
const iniEntry = /^\s*[a-z_]+\s*=/

/**
 * `--restore --append`: the lost hunks' removed lines at the end of the text, after a comment saying
 * where they come from; for an AWS file under their section header (the one they stood in at --fix
 * time), so they form their own section. Line endings follow the file's.
 */
function appendLostLines(text: string, lost: Hunk[], when: string): string {
  const eol = detectEol(text)
  const out: string[] = []
  for (const hunk of [...lost].sort((a, b) => a.start - b.start)) {
    const removed = removedLines(hunk)
    if (removed.length === 0) continue
    const aws = iniHeader.test(hunk.before[0] ?? '') && removed.every((l) => iniEntry.test(l))
    out.push(`# keyless audit --restore --append (${when}): lines --fix had moved to the secret store${eol}`)
    if (aws) out.push(hunk.before[0])
    out.push(...removed)
  }
  const lines = [...out.map((l) => l.slice(0, l.length - terminatorOf(l).length) + eol)]
  const last = rawLines(text).at(-1)
  const lead = last === undefined ? '' : terminatorOf(last) === '' ? eol + eol : last.trim() === '' ? '' : eol
  return text + lead + lines.join('')
}
