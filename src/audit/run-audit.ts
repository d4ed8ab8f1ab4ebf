import type {AuditReport, Finding, Severity} from './audit-types.js'
import {checkKeys, type CheckDeps} from './check-keys.js'
import {scanMachine, type ScanDeps} from './scan-machine.js'

export interface AuditInput {
  /** Ask STS who each key belongs to. */
  check: boolean
}

export type AuditDeps = ScanDeps & Partial<CheckDeps>

export function summarize(findings: Finding[]): AuditReport['summary'] {
  const bySeverity: Record<Severity, number> = {high: 0, medium: 0, low: 0, info: 0}
  for (const f of findings) bySeverity[f.severity]++
  return {total: findings.length, longLived: findings.filter((f) => f.longLived).length, bySeverity}
}

/** `keyless audit [--check]`: finds long-lived AWS keys (and plaintext caches) on this machine. Changes nothing. */
export async function runAudit(input: AuditInput, deps: AuditDeps): Promise<AuditReport> {
  const scan = await scanMachine(deps)
  if (input.check) {
    if (!deps.clients) throw new Error('runAudit --check needs deps.clients')
    await checkKeys(scan, {clients: deps.clients, ...(deps.owner ? {owner: deps.owner} : {})})
  }
  return {findings: scan.findings, summary: summarize(scan.findings), scanned: scan.scanned}
}
