/**
 * A lossless line model of an AWS shared config / credentials file, for editing.
 *
 * The lexical rules are those of the AWS SDK's loader (@smithy/shared-ini-file-loader `parseIni`):
 * lines end in `\n` or `\r\n`; a comment starts at a `#` or `;` at the start of a line or after
 * whitespace; `[...]` is a section header; `key = value` an entry; an entry whose value is empty opens
 * a sub-section, and the indented `key = value` lines after it belong to it; an indented line without
 * `=` continues the entry above. The editing helpers return new text in which every byte they were
 * not asked to change is preserved exactly (comments, blank lines, odd spacing, CRLF, a missing
 * final newline).
 */
import {splitLines} from '../util/split-lines.js'


export type IniSectionKind = 'profile' | 'default' | 'sso-session' | 'services' | 'other'

export interface IniEntry {
  key: string
  value: string
  /** The entry's own line. */
  line: number
  /** Exclusive end of the entry: past its sub-section / continuation lines (`line + 1` without any). */
  endLine: number
}

export interface IniSection {
  /** Raw text inside `[` `]`, as the SDK sees it (comments stripped, not trimmed inside). */
  header: string
  kind: IniSectionKind
  /** The profile / sso-session / services name (`default` for `[default]`); the header for `other`. */
  name: string
  /** The header line. */
  startLine: number
  /** Exclusive: the next section's header line, or the number of lines. */
  endLine: number
  entries: IniEntry[]
}

export interface IniProblem {
  /** 0-based line index. */
  line: number
  text: string
  reason: string
}

export interface IniDocument {
  eol: '\n' | '\r\n'
  /** Line texts without their terminators. */
  lines: string[]
  /** Each line's terminator: '\n', '\r\n', or '' for a last line without one. */
  terminators: string[]
  sections: IniSection[]
  /** Lines that are neither a section, an entry, a comment, a blank line nor a continuation. */
  problems: IniProblem[]
}

// The SDK's own patterns (parseIni.js), so that keyless sees the file exactly as the SDKs do.
const sdkSectionPattern = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/
const commentStart = /(^|\s)[;#]/

/** The line as the SDK reads it: comment removed, trimmed. */
export function iniContent(line: string): string {
  return line.split(commentStart)[0].trim()
}

export function classifyHeader(header: string): {kind: IniSectionKind; name: string} {
  if (header === 'default') return {kind: 'default', name: 'default'}
  const match = sdkSectionPattern.exec(header)
  if (match) {
    const [, prefix, , name] = match
    if (prefix === 'profile' || prefix === 'sso-session' || prefix === 'services') return {kind: prefix, name}
  }
  return {kind: 'other', name: header}
}

export function detectEol(text: string): '\n' | '\r\n' {
  const crlf = text.match(/\r\n/g)?.length ?? 0
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf
  return crlf > lf ? '\r\n' : '\n'
}

export function parseIniDocument(text: string): IniDocument {
  const {lines, terminators} = splitLines(text)
  const sections: IniSection[] = []
  const problems: IniProblem[] = []
  let section: IniSection | undefined
  let last: IniEntry | undefined // the last top-level entry of the section
  let subSection: IniEntry | undefined // an entry with an empty value: its indented keys belong to it

  lines.forEach((raw, index) => {
    const content = iniContent(raw)
    if (content === '') return
    const indented = raw.trimStart() !== raw
    if (content.startsWith('[') && content.endsWith(']')) {
      if (section) section.endLine = index
      const header = content.slice(1, -1)
      section = {header, ...classifyHeader(header), startLine: index, endLine: lines.length, entries: []}
      sections.push(section)
      last = undefined
      subSection = undefined
      return
    }
    if (!section) {
      problems.push({line: index, text: raw, reason: 'is outside any [section]'})
      return
    }
    const eq = content.indexOf('=')
    if (eq > 0) {
      const key = content.slice(0, eq).trim()
      const value = content.slice(eq + 1).trim()
      if (value !== '' && subSection && indented && last) {
        last.endLine = index + 1 // a key of the sub-section above
        return
      }
      last = {key, value, line: index, endLine: index + 1}
      section.entries.push(last)
      subSection = value === '' ? last : undefined
      return
    }
    if (indented && last) {
      last.endLine = index + 1 // a continuation line
      return
    }
    problems.push({
      line: index,
      text: raw,
      reason: eq === 0 ? 'has no key before "="' : content.startsWith('[') ? 'is an unclosed [section' : 'is not "key = value"',
    })
  })
  for (const s of sections) {
    if (['__proto__', 'profile __proto__'].includes(s.header)) {
      problems.push({line: s.startLine, text: lines[s.startLine], reason: 'uses a reserved profile name'})
    }
  }
  problems.sort((a, b) => a.line - b.line)
  return {eol: detectEol(text), lines, terminators, sections, problems}
}

/**
 * Whether `value` reads back unchanged after `key = value`: one line, no surrounding whitespace, and
 * nothing the SDK takes for a comment (`#` or `;` at the start or after whitespace).
 */
export function isStorableValue(value: string): boolean {
  return !/[\r\n]/.test(value) && value.trim() === value && !commentStart.test(value)
}

/** Sections of the document that match `header` (by kind and name, so `[profile "x"]` matches `profile x`). */
export function findSections(doc: IniDocument, header: string): IniSection[] {
  const wanted = classifyHeader(header)
  return doc.sections.filter((s) =>
    wanted.kind === 'other' ? s.kind === 'other' && s.header === header : s.kind === wanted.kind && s.name === wanted.name,
  )
}

interface Edit {
  /** First line replaced. */
  start: number
  /** Exclusive end; `start === end` inserts before `start`. */
  end: number
  /** New line texts (the document's eol is added to each). */
  lines: string[]
}

/**
 * Applies non-overlapping line edits; every line outside them keeps its exact bytes and terminator.
 * New lines end with the document's eol; when the file had no final newline and its end was removed,
 * the new last line loses its terminator, so the file still ends the way it did.
 */
function applyEdits(doc: IniDocument, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end)
  const out: Array<{line: string; term: string; original: boolean}> = []
  let pos = 0
  const copyTo = (end: number) => {
    for (; pos < end; pos++) out.push({line: doc.lines[pos], term: doc.terminators[pos], original: true})
  }
  for (const edit of sorted) {
    copyTo(edit.start)
    const replacesEnd = edit.end >= doc.lines.length && edit.end > edit.start
    edit.lines.forEach((line, i) => {
      // Replacing the file's last line keeps its terminator (or its lack of one).
      const term = replacesEnd && i === edit.lines.length - 1 ? (doc.terminators.at(-1) ?? doc.eol) : doc.eol
      out.push({line, term, original: false})
    })
    pos = Math.max(pos, edit.end)
  }
  copyTo(doc.lines.length)
  out.forEach((l, i) => {
    if (l.term === '' && i < out.length - 1) l.term = doc.eol // a former last line now followed by more
  })
  const last = out.at(-1)
  if (last && last.original && doc.terminators.at(-1) === '') last.term = ''
  return out.map((l) => l.line + l.term).join('')
}

/** Rewrites an entry line with a new value, keeping its spacing and any trailing comment. */
function setValueInLine(raw: string, entry: IniEntry, value: string): string {
  const eq = raw.indexOf('=')
  const afterEq = raw.slice(eq + 1)
  const lead = afterEq.length - afterEq.trimStart().length
  const valueStart = eq + 1 + lead
  if (entry.value === '') {
    const rest = raw.slice(valueStart) // a comment, or nothing
    return `${raw.slice(0, eq + 1)}${lead > 0 ? raw.slice(eq + 1, valueStart) : ' '}${value}${rest ? ` ${rest}` : ''}`
  }
  if (raw.startsWith(entry.value, valueStart)) {
    return raw.slice(0, valueStart) + value + raw.slice(valueStart + entry.value.length)
  }
  return `${entry.key} = ${value}`
}

/**
 * Sets `entries` in the section `[header]` (for example `sso-session corp` or `profile dev`): an
 * existing key is changed in place (spacing and trailing comment kept; its sub-section/continuation
 * lines dropped when the value changes), a missing key is added after the section's last entry, a
 * value of `undefined` removes the key. Unknown keys and comments in the section stay. When the section
 * does not exist it is appended at the end of the file after a blank line. With duplicate sections the
 * last one (the one the SDK's values come from) is edited. Same input twice = no change.
 */
export function upsertSection(text: string, header: string, entries: Array<[string, string | undefined]>): string {
  const doc = parseIniDocument(text)
  entries = [...new Map(entries).entries()] // a key given twice: the last value wins
  for (const [key, value] of entries) {
    if (/[\r\n=[\]#;]/.test(key) || key.trim() !== key || key === '' || (value !== undefined && !isStorableValue(value))) {
      throw new TypeError(`upsertSection: invalid entry ${JSON.stringify([key, value])}`)
    }
  }
  const section = findSections(doc, header).at(-1)
  if (!section) {
    const body = entries.filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k} = ${v}`)
    return appendLines(doc, text, [`[${header}]`, ...body])
  }
  const edits: Edit[] = []
  const added: string[] = []
  for (const [key, value] of entries) {
    const existing = section.entries.filter((e) => e.key === key)
    const current = existing.at(-1)
    if (!current) {
      if (value !== undefined) added.push(`${key} = ${value}`)
      continue
    }
    if (value === undefined) {
      for (const e of existing) edits.push({start: e.line, end: e.endLine, lines: []})
      continue
    }
    if (current.value === value && current.endLine === current.line + 1) continue
    edits.push({start: current.line, end: current.endLine, lines: [setValueInLine(doc.lines[current.line], current, value)]})
  }
  if (added.length > 0) {
    const at = section.entries.length > 0 ? Math.max(...section.entries.map((e) => e.endLine)) : section.startLine + 1
    edits.push({start: at, end: at, lines: added})
  }
  return edits.length === 0 ? text : applyEdits(doc, edits)
}

/** Appends lines at the end, after a blank line, making sure the file ends with the document's eol. */
export function appendLines(doc: IniDocument, text: string, lines: string[]): string {
  if (lines.length === 0) return text
  const eol = doc.eol
  let out = text
  if (out !== '' && !out.endsWith('\n')) out += eol
  const lastLine = doc.lines.at(-1)
  if (out !== '' && lastLine !== undefined && lastLine.trim() !== '') out += eol
  return out + lines.map((l) => l + eol).join('')
}

/**
 * Removes the given lines (0-based), each with its terminator. When the file's last line had no
 * terminator and is removed, the new last line loses its terminator too, so the file still ends the
 * way it did.
 */
export function removeLines(text: string, lineIndexes: number[]): string {
  const doc = parseIniDocument(text)
  const remove = [...new Set(lineIndexes)].filter((i) => Number.isInteger(i) && i >= 0 && i < doc.lines.length)
  if (remove.length === 0) return text
  return applyEdits(doc, remove.map((i) => ({start: i, end: i + 1, lines: []})))
}

/**
 * Removes every section `[header]`: from its header to its last entry (comments between its entries
 * included). Comments and blank lines after the last entry are kept (they usually introduce the next
 * section), except the blank lines that would otherwise double up.
 */
export function removeSection(text: string, header: string): string {
  const doc = parseIniDocument(text)
  const sections = findSections(doc, header)
  if (sections.length === 0) return text
  const remove: number[] = []
  for (const s of sections) {
    const end = s.entries.length > 0 ? Math.max(...s.entries.map((e) => e.endLine)) : s.startLine + 1
    for (let i = s.startLine; i < end; i++) remove.push(i)
    const blankBefore = s.startLine === 0 || doc.lines[s.startLine - 1].trim() === ''
    if (blankBefore) for (let i = end; i < doc.lines.length && doc.lines[i].trim() === ''; i++) remove.push(i)
  }
  return removeLines(text, remove)
}
