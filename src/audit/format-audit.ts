import {formatDuration} from '../ui/format-duration.js'
import type {AuditReport, Finding, Severity} from './audit-types.js'
import type {FixResult} from './fix-keys.js'
import type {RestoreResult} from './restore-keys.js'
import {shellQuote} from '../util/shell-quote.js'

const severityColor: Record<Severity, string> = {high: '1;31', medium: '33', low: '36', info: '2'}

function paint(text: string, code: string, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text
}

function keyKind(f: Finding): string {
  switch (f.keyType) {
    case 'long-lived':
      return 'long-lived IAM user key'
    case 'unknown':
      return f.keyId ? 'access key of unknown kind (treated as long-lived)' : 'secret access key (treated as long-lived)'
    case 'temporary':
      return f.expired ? 'temporary credentials, expired' : 'temporary credentials'
    case 'token':
      return 'SSO token cache'
  }
}

function when(iso: string, now: number): string {
  const ms = Date.parse(iso) - now
  return ms > 0 ? `in ${formatDuration(ms / 1000)}` : `${formatDuration(-ms / 1000)} ago`
}

/** One finding as a few lines for a person. Never a secret: key ids are already masked. */
export function formatFinding(f: Finding, now: number, color: boolean): string {
  const head = [
    paint(f.severity.toUpperCase().padEnd(6), severityColor[f.severity], color),
    f.location,
    f.kind === 'aws-file' && f.profile ? `profile ${f.profile}` : undefined,
    f.keyId,
    keyKind(f),
  ].filter(Boolean)
  const lines = [head.join('  ')]
  const pad = ' '.repeat(8)
  if (f.fileAgeDays !== undefined && f.kind !== 'sso-cache' && f.kind !== 'cli-cache') {
    lines.push(`${pad}file last modified ${f.fileAgeDays} day${f.fileAgeDays === 1 ? '' : 's'} ago (file mtime: the entry is at least that old)`)
  }
  if (f.expiresAt) lines.push(`${pad}${f.expired ? 'expired' : 'expires'} ${when(f.expiresAt, now)} (${f.expiresAt})`)
  if (f.check) {
    if (f.check.ok) {
      const covered = f.check.coveredBy.length > 0 ? `covered by keyless profile ${f.check.coveredBy.join(', ')}` : 'no keyless profile covers this account yet'
      lines.push(`${pad}account ${f.check.account}  ${f.check.arn}  (${covered})`)
      if (f.check.status) {
        const used = f.check.lastUsed ? `last used ${f.check.lastUsed.date} (${f.check.lastUsed.service}, ${f.check.lastUsed.region})` : 'never used'
        lines.push(`${pad}key ${f.check.status}, ${used}; asked IAM through ${f.check.via ? `profile ${f.check.via}` : 'the key itself'}`)
      }
      if (f.check.usedKeyItself) lines.push(`${pad}note: no keyless profile could ask for this key, so the key itself was used (this shows as its last use in IAM and CloudTrail)`)
    } else {
      lines.push(`${pad}STS check failed: ${f.check.error}`)
    }
  }
  for (const note of f.notes) lines.push(`${pad}${note}`)
  lines.push(`${pad}-> ${f.advice}`)
  return lines.join('\n')
}

/** The audit report for a person (stdout). */
export function formatAuditReport(report: AuditReport, now: number, color: boolean): string {
  const {summary} = report
  if (report.findings.length === 0) return `No AWS keys or credential caches found (looked at ${report.scanned.join(', ')}).`
  const counts = (['high', 'medium', 'low', 'info'] as const)
    .filter((s) => summary.bySeverity[s] > 0)
    .map((s) => `${summary.bySeverity[s]} ${s}`)
    .join(', ')
  const verdict =
    summary.longLived > 0
      ? paint(`${summary.longLived} long-lived key${summary.longLived === 1 ? '' : 's'} on this machine`, '1;31', color)
      : 'no long-lived keys'
  return [
    `${verdict} (${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}: ${counts})`,
    '',
    ...report.findings.map((f) => formatFinding(f, now, color)),
  ].join('\n')
}

export function formatFixResult(result: FixResult): string {
  if (result.fixed.length === 0) return 'Nothing was changed.'
  const lines: string[] = []
  for (const f of result.fixed) {
    lines.push(`Moved the keys of ${f.profile} into the secret store (${f.storeKey}); changed ${f.files.join(', ')}.`)
    if (f.replacedWith) lines.push(`  ${f.profile} now gets temporary credentials from keyless profile ${f.replacedWith} (credential_process).`)
    if (f.keptAs) lines.push(`  ${f.profile} keeps working: keyless exchanges the stored key (${f.keptAs}) for GetSessionToken credentials (credential_process); tools never see the key.`)
  }
  lines.push(`Undo: keyless audit --restore${result.fixed.length === 1 ? ` --profile ${shellQuote(result.fixed[0].profile)}` : ''}`)
  if (result.fixed.every((f) => f.keptAs)) lines.push('The key stays active in IAM; only keyless uses it now, and tools get short-lived session credentials.')
  else lines.push('The keys still work until you deactivate them in IAM (aws iam update-access-key --status Inactive).')
  return lines.join('\n')
}

export function formatRestoreResult(result: RestoreResult): string {
  if (result.restored.length === 0 && result.failed.length === 0) return 'Nothing to restore.'
  const lines = result.restored.map(
    (r) => `Restored ${r.profile}: ${r.files.map((f) => `${f.file} (${f.appended ? 'lines appended as their own section at the end' : f.exact ? 'byte for byte' : 'lines put back; the file has other changes since'})`).join(', ')}.`,
  )
  for (const f of result.failed) lines.push(`Could not restore ${f.profile}: ${f.reason}. Its item stays in the secret store.`)
  return lines.join('\n')
}
