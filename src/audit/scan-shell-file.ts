import type {Finding, Scan} from './audit-types.js'
import {displayPath} from './display-path.js'
import {judgeKey} from './judge-key.js'
import {splitLines} from '../util/split-lines.js'
import {maskKeyId} from '../util/mask-key-id.js'
import {shellQuote} from '../util/shell-quote.js'

const variables = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const
type Variable = (typeof variables)[number]

/** One assignment of an AWS credential variable to a literal value. */
export interface ShellAssignment {
  variable: Variable
  value: string
  /** 0-based */
  line: number
  /** The line holds nothing but credential assignments, so removing it removes nothing else. */
  wholeLine: boolean
}

const names = variables.join('|')
const value = `("[^"]*"|'[^']*'|[^\\s;&|]*)`
// sh/bash/zsh: `export A=v`, `A=v`, `declare -x A=v`, `typeset -x A=v`, several per line.
const posixAssignment = new RegExp(`(?:^|[\\s;])(${names})=${value}`, 'g')
// fish: `set -gx A v` (any flags, -x or --export); csh/tcsh: `setenv A v`.
const fishAssignment = new RegExp(`(?:^|[\\s;])set((?:\\s+-{1,2}[a-zA-Z-]+)*)\\s+(${names})\\s+${value}`, 'g')
const cshAssignment = new RegExp(`(?:^|[\\s;])setenv\\s+(${names})\\s+${value}`, 'g')
// What may remain on a line we remove whole: keywords, flags, separators.
const leftover = /^(?:\s|;|export|declare|typeset|local|set|setenv|-{1,2}[a-zA-Z-]+)*$/

function unquote(raw: string): string {
  return (raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'")) ? raw.slice(1, -1) : raw
}

/** A literal credential, not a reference (`$VAR`, `$(pass aws)`, backticks) or an empty value. */
function isLiteral(v: string, quoted: string): boolean {
  if (v === '') return false
  if (quoted.startsWith("'")) return /^[A-Za-z0-9/+=]{16,}$/.test(v)
  return !/[$`]/.test(v) && /^[A-Za-z0-9/+=]{16,}$/.test(v)
}

/** Literal AWS credential assignments in a shell start-up file (comments skipped). */
export function findShellAssignments(text: string): ShellAssignment[] {
  const found: ShellAssignment[] = []
  splitLines(text).lines.forEach((line, index) => {
    if (line.trimStart().startsWith('#')) return
    let rest = line
    const take = (variable: string, quoted: string, match: string) => {
      const v = unquote(quoted)
      if (isLiteral(v, quoted)) found.push({variable: variable as Variable, value: v, line: index, wholeLine: false})
      rest = rest.replace(match, ' ')
    }
    for (const m of line.matchAll(fishAssignment)) {
      // `set -e VAR` erases; only exported sets carry a value
      if (/(^|\s)-[a-zA-Z]*e/.test(m[1]) || /--erase/.test(m[1])) continue
      take(m[2], m[3], m[0])
    }
    for (const m of line.matchAll(cshAssignment)) take(m[1], m[2], m[0])
    for (const m of line.matchAll(posixAssignment)) take(m[1], m[2], m[0])
    const here = found.filter((a) => a.line === index)
    const whole = here.length > 0 && leftover.test(rest.trim())
    for (const a of here) a.wholeLine = whole
  })
  return found
}

export interface ShellFileInput {
  path: string
  home: string
  text: string
  modifiedAt: number
}

const day = 24 * 3600 * 1000

/**
 * Findings for a shell start-up file: one per literal AWS_ACCESS_KEY_ID (paired with the nearest
 * AWS_SECRET_ACCESS_KEY and session token), one per secret key without a key id.
 */
export function scanShellFile(input: ShellFileInput, now: number): Scan {
  const assignments = findShellAssignments(input.text)
  const shown = displayPath(input.path, input.home)
  const scan: Scan = {findings: [], keys: new Map()}
  const ids = assignments.filter((a) => a.variable === 'AWS_ACCESS_KEY_ID')
  const secrets = assignments.filter((a) => a.variable === 'AWS_SECRET_ACCESS_KEY')
  const tokens = assignments.filter((a) => a.variable === 'AWS_SESSION_TOKEN' || a.variable === 'AWS_SECURITY_TOKEN')
  const nearest = (list: ShellAssignment[], line: number) =>
    [...list].sort((a, b) => Math.abs(a.line - line) - Math.abs(b.line - line) || b.line - a.line)[0]
  const used = new Set<ShellAssignment>()
  const groups: Array<{id?: ShellAssignment; secret?: ShellAssignment; token?: ShellAssignment}> = []
  for (const id of ids) {
    const secret = nearest(secrets.filter((s) => !used.has(s)), id.line)
    const token = nearest(tokens.filter((s) => !used.has(s)), id.line)
    if (secret) used.add(secret)
    if (token) used.add(token)
    groups.push({id, secret, token})
  }
  for (const secret of secrets.filter((s) => !used.has(s))) groups.push({secret})

  for (const group of groups) {
    const first = (group.id ?? group.secret)!
    const lines = [group.id, group.secret, group.token].filter((a): a is ShellAssignment => a !== undefined)
    const judgement = judgeKey({keyId: group.id?.value, hasSessionToken: Boolean(group.token), modifiedAt: input.modifiedAt}, now)
    const whole = lines.every((a) => a.wholeLine)
    const findingId = `shell-file:${input.path}:${first.line}`
    const finding: Finding = {
      id: findingId,
      kind: 'shell-file',
      location: `${shown}:${first.line + 1}`,
      file: input.path,
      line: first.line + 1,
      profile: shown,
      ...(group.id ? {keyId: maskKeyId(group.id.value)} : {}),
      keyType: judgement.keyType,
      longLived: judgement.longLived,
      severity: judgement.severity,
      fileModifiedAt: new Date(input.modifiedAt).toISOString(),
      fileAgeDays: Math.max(0, Math.floor((now - input.modifiedAt) / day)),
      ...(judgement.expired === undefined ? {} : {expired: judgement.expired}),
      fixable: whole,
      advice: whole
        ? `Every new shell exports this key: remove it with \`keyless audit --fix --profile ${shellQuote(shown)}\`${judgement.longLived ? ', then deactivate the key in IAM' : ''}.`
        : `Every new shell exports this key: edit line${lines.length > 1 ? 's' : ''} ${[...new Set(lines.map((a) => a.line + 1))].join(', ')} of ${shown} by hand (the line${lines.length > 1 ? 's do' : ' does'} more than set AWS keys).`,
      notes: [`line${lines.length > 1 ? 's' : ''} ${[...new Set(lines.map((a) => a.line + 1))].sort((a, b) => a - b).join(', ')}`],
    }
    scan.findings.push(finding)
    if (group.id && group.secret) {
      scan.keys.set(findingId, {
        accessKeyId: group.id.value,
        secretAccessKey: group.secret.value,
        ...(group.token ? {sessionToken: group.token.value} : {}),
      })
    }
  }
  return scan
}

/** The 0-based lines `--fix` removes from a shell file: every whole-line literal credential assignment. */
export function shellLinesToRemove(text: string): number[] {
  return [...new Set(findShellAssignments(text).filter((a) => a.wholeLine).map((a) => a.line))].sort((a, b) => a - b)
}
