import {detectEol, parseIniDocument, type IniSection} from '../config/ini-document.js'
import {UsageError} from '../errors.js'
import type {FileRecord, Hunk} from './audit-record.js'
import {fitLines, rawLines, terminatorOf, textHash} from './raw-lines.js'
import {keyEntryNames, sectionProfileName} from './scan-aws-file.js'
import {shellLinesToRemove} from './scan-shell-file.js'

/** Lines `--fix` removes from a profile section: the keys and the expiry hints that go with them. */
const removedKeys = new Set<string>([...keyEntryNames, 'x_security_token_expires', 'aws_expiration', 'aws_session_expiration'])

/** A file `--fix` may touch, as read just before planning. */
export interface PlanFile {
  path: string
  /** undefined: the file does not exist */
  text: string | undefined
  /** `config` / `credentials`: an AWS file in that format; `shell`: a shell start-up file. */
  format: 'config' | 'credentials' | 'shell'
  /** The shell file's selector (`~/.bashrc`), which `--profile` names. */
  selector?: string
}

export interface PlanInput {
  files: PlanFile[]
  /** Profiles (and shell file selectors) to take the keys from. */
  profiles: string[]
  /** The path of the AWS config file, where `--replace-with` writes. */
  configFile: string
  /**
   * `credential_process` line value for the replaced profiles, e.g. `keyless credential-process --profile dev`
   * (a function of the profile for `--keep`, where each profile serves itself), the other lines that
   * go with it (`keyless_stored_key = NAME` for `--keep`), and the target's region (`--replace-with`).
   */
  replaceWith?: {profile?: string; credentialProcess: string | ((profile: string) => string); extraLines?: (profile: string) => string[]; region?: string}
}

export interface PlannedFile {
  path: string
  existed: boolean
  newText: string
  hashBefore: string
  hashAfter: string
}

export interface FixPlan {
  /** Only files that change. */
  files: PlannedFile[]
  /** Per profile: the record to store (key material included). */
  records: Map<string, FileRecord[]>
}

interface Edit {
  profile: string
  start: number
  end: number
  lines: string[]
}

/** Keys that would keep `credential_process` from taking effect in a profile. */
const conflictingKeys = ['role_arn', 'source_profile', 'credential_source', 'web_identity_token_file', 'sso_session', 'sso_start_url', 'keyless_session']

function configHeader(profile: string): string {
  return profile === 'default' ? 'default' : `profile ${profile}`
}

/** Edits for one AWS-format file: remove the key lines of the chosen profiles, add credential_process for --replace-with. */
function awsFileEdits(file: PlanFile, input: PlanInput): Edit[] {
  const text = file.text ?? ''
  const doc = parseIniDocument(text)
  const raw = rawLines(text)
  const eol = detectEol(text)
  const format = file.format as 'config' | 'credentials'
  const edits: Edit[] = []
  const isConfig = file.path === input.configFile
  const wanted = new Set(input.profiles)
  const replaced = new Set<string>()

  const sectionEdit = (section: IniSection, profile: string, insert?: string[]): Edit | undefined => {
    const removed = new Set<number>()
    for (const e of section.entries) if (removedKeys.has(e.key)) for (let l = e.line; l < e.endLine; l++) removed.add(l)
    const kept = section.entries.filter((e) => !removedKeys.has(e.key))
    const insertAt = insert === undefined ? undefined : kept.length > 0 ? Math.max(...kept.map((e) => e.endLine)) : section.startLine + 1
    if (removed.size === 0 && insertAt === undefined) return undefined
    const start = section.startLine
    const end = Math.max(start + 1, ...[...removed].map((l) => l + 1), insertAt ?? 0)
    const block: string[] = []
    const inserted = (insert ?? []).map((line) => `${line}${eol}`)
    for (let l = start; l < end; l++) {
      if (l === insertAt) block.push(...inserted)
      if (!removed.has(l)) block.push(raw[l])
    }
    if (insertAt === end) block.push(...inserted)
    const atFileEnd = end === raw.length && terminatorOf(raw.at(-1) ?? '\n') === ''
    return {profile, start, end, lines: fitLines(block, eol, atFileEnd ? 'none' : 'eol')}
  }

  for (const section of doc.sections) {
    if (section.kind === 'sso-session' || section.kind === 'services') continue
    const profile = sectionProfileName(section, format)
    if (!wanted.has(profile)) continue
    let insert: string[] | undefined
    if (isConfig && input.replaceWith && !replaced.has(profile)) {
      // the last section of that name is the one the SDK reads; add the line there
      const last = doc.sections.filter((s) => (s.kind === 'profile' || s.kind === 'default') && sectionProfileName(s, 'config') === profile).at(-1)
      if (last === section) {
        replaced.add(profile)
        insert = replacementLines(section, profile, input.replaceWith)
      }
    }
    const edit = sectionEdit(section, profile, insert)
    if (edit) edits.push(edit)
  }

  if (isConfig && input.replaceWith) {
    for (const profile of input.profiles.filter((p) => !p.startsWith('~') && !p.startsWith('/'))) {
      if (!replaced.has(profile)) edits.push(appendSection(doc.sections, raw, eol, profile, replacementEntries(profile, input.replaceWith)))
    }
  }
  return edits
}

/**
 * A new `[profile NAME]` with the credential_process line. A pure insertion (no existing byte
 * touched) at the end of the file, or, when the file does not end with a newline, before its first
 * section.
 */
function appendSection(sections: IniSection[], raw: string[], eol: string, profile: string, entries: string[]): Edit {
  const lines = [`[${configHeader(profile)}]${eol}`, ...entries.map((e) => `${e}${eol}`)]
  const last = raw.at(-1)
  if (last === undefined) return {profile, start: 0, end: 0, lines}
  if (terminatorOf(last) !== '') return {profile, start: raw.length, end: raw.length, lines: last.trim() === '' ? lines : [eol, ...lines]}
  const first = sections[0]
  if (first) return {profile, start: first.startLine, end: first.startLine, lines: [...lines, eol]}
  return {profile, start: raw.length - 1, end: raw.length, lines: [last + eol, eol, ...lines]}
}

/** The lines a replaced profile gets: credential_process, then the extra lines, then the target's region. */
function replacementEntries(profile: string, replaceWith: NonNullable<PlanInput['replaceWith']>): string[] {
  const command = typeof replaceWith.credentialProcess === 'string' ? replaceWith.credentialProcess : replaceWith.credentialProcess(profile)
  return [`credential_process = ${command}`, ...(replaceWith.extraLines?.(profile) ?? []), ...(replaceWith.region ? [`region = ${replaceWith.region}`] : [])]
}

/**
 * The lines a replaced profile's config section gets: credential_process (unless it is already
 * there), the extra lines it lacks, and the target's region when the section has none (a region it
 * has stays), so `aws --profile OLD` keeps working without one of its own. Undefined: nothing to add.
 */
function replacementLines(section: IniSection, profile: string, replaceWith: NonNullable<PlanInput['replaceWith']>): string[] | undefined {
  const [processLine, ...others] = replacementEntries(profile, replaceWith)
  const credentialProcess = processLine.slice('credential_process = '.length)
  const lines: string[] = []
  const current = section.entries.filter((e) => e.key === 'credential_process').at(-1)
  if (current && current.value !== credentialProcess) {
    throw new UsageError(
      `Profile "${profile}" already has credential_process = ${current.value}.`,
      'Remove that line first, or fix without --replace-with.',
    )
  }
  if (!current) {
    const conflict = section.entries.find((e) => conflictingKeys.includes(e.key))
    if (conflict) {
      throw new UsageError(
        `Profile "${profile}" has ${conflict.key}, so a credential_process added by --replace-with would not be used.`,
        'Fix it without --replace-with and edit the profile by hand.',
      )
    }
    lines.push(processLine)
  }
  const hasRegion = section.entries.some((e) => e.key === 'region' && e.value !== '')
  lines.push(...others.filter((line) => !section.entries.some((e) => `${e.key} = ${e.value}` === line) && !(line.startsWith('region = ') && hasRegion)))
  return lines.length > 0 ? lines : undefined
}

/** The no-op `--fix` leaves where it removed key lines of a POSIX shell file, so a block it emptied stays valid. */
export const shellNoOp = ': # keyless audit --fix moved AWS keys from here to the secret store (keyless audit --restore puts them back)'

/** fish and csh accept empty blocks; sh, bash, ksh and zsh do not (`if …; then fi`, `f() { }`, `while …; do done`). */
function isPosixShellFile(path: string): boolean {
  return !/\.fish$|(^|\/)\.(t?cshrc|login)$/.test(path)
}

const codeLine = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#')
// A line that opens a body (`then`, `do`, `else`, `{`, `(`, a case pattern `a)`), and one that closes one.
const opensBody = /(?:^|[\s;])(?:then|do|else)\s*$|[{(]\s*$|\)\s*$/
const closesBody = /^\s*(?:fi|done|esac|elif|else|\}|\)|;;)(?:\s|;|$)/

/**
 * Whether removing lines [from, to] of a POSIX shell file could leave an empty body: they are
 * indented, or the code line before them opens a body, or the one after closes one. Then `--fix`
 * leaves shellNoOp (`:`) in their place instead of nothing.
 */
function mayEmptyABody(lines: string[], from: number, to: number): boolean {
  if (/^\s/.test(lines[from])) return true
  let before = from - 1
  while (before >= 0 && !codeLine(lines[before])) before--
  let after = to + 1
  while (after < lines.length && !codeLine(lines[after])) after++
  return (before >= 0 && opensBody.test(lines[before].replace(/\r?\n$/, ''))) || (after < lines.length && closesBody.test(lines[after]))
}

/**
 * Edits for a shell file: remove its whole-line credential assignments, each hunk anchored by the
 * line before it. In a POSIX shell file, a run of removed lines that may be a block's whole body is
 * replaced by a `:` no-op (with the run's indentation) so the file still parses (`bash -n`).
 */
function shellFileEdits(file: PlanFile): Edit[] {
  const text = file.text ?? ''
  const raw = rawLines(text)
  const eol = detectEol(text)
  const remove = shellLinesToRemove(text)
  const posix = isPosixShellFile(file.path)
  const edits: Edit[] = []
  // runs of adjacent lines, each with the line before it as the anchor
  for (let i = 0; i < remove.length; ) {
    let j = i
    while (j + 1 < remove.length && remove[j + 1] === remove[j] + 1) j++
    const start = Math.max(0, remove[i] - 1)
    const end = remove[j] + 1
    const block = raw.slice(start, end).filter((_, k) => !remove.includes(start + k))
    if (posix && mayEmptyABody(raw, remove[i], remove[j])) {
      const indent = /^[ \t]*/.exec(raw[remove[i]])![0]
      block.push(`${indent}${shellNoOp}${eol}`)
    }
    const atFileEnd = end === raw.length && terminatorOf(raw.at(-1) ?? '\n') === ''
    edits.push({profile: file.selector!, start, end, lines: fitLines(block, eol, atFileEnd ? 'none' : 'keep')})
    i = j + 1
  }
  return edits
}

/**
 * Plans `--fix`: the new text of every file that changes and, per profile, the hunks that undo it.
 * Pure: reads nothing, writes nothing. Throws a UsageError (before anything changes) when a
 * replaced profile cannot take a credential_process.
 */
export function planFix(input: PlanInput): FixPlan {
  const plan: FixPlan = {files: [], records: new Map()}
  const wanted = new Set(input.profiles)
  for (const file of input.files) {
    const edits =
      file.format === 'shell'
        ? file.selector !== undefined && wanted.has(file.selector)
          ? shellFileEdits(file)
          : []
        : awsFileEdits(file, input)
    if (edits.length === 0) continue
    edits.sort((a, b) => a.start - b.start || a.end - b.end)
    const raw = rawLines(file.text ?? '')
    const out: string[] = []
    const hunks: Array<{profile: string; hunk: Hunk}> = []
    let pos = 0
    for (const edit of edits) {
      out.push(...raw.slice(pos, edit.start))
      hunks.push({profile: edit.profile, hunk: {start: edit.start, at: out.length, before: raw.slice(edit.start, edit.end), after: edit.lines}})
      out.push(...edit.lines)
      pos = edit.end
    }
    out.push(...raw.slice(pos))
    const newText = out.join('')
    if (newText === (file.text ?? '')) continue
    const planned: PlannedFile = {
      path: file.path,
      existed: file.text !== undefined,
      newText,
      hashBefore: textHash(file.text),
      hashAfter: textHash(newText),
    }
    plan.files.push(planned)
    for (const profile of new Set(hunks.map((h) => h.profile))) {
      const records = plan.records.get(profile) ?? []
      records.push({
        path: file.path,
        existed: planned.existed,
        hashBefore: planned.hashBefore,
        hashAfter: planned.hashAfter,
        hunks: hunks.filter((h) => h.profile === profile).map((h) => h.hunk),
      })
      plan.records.set(profile, records)
    }
  }
  return plan
}
