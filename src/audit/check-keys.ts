import type {ClientFactory} from '../util/aws-clients.js'
import type {Finding, KeyCheck, KeyMaterial} from './audit-types.js'
import type {KeyOwner} from './key-owner.js'
import type {MachineScan} from './scan-machine.js'
import {shellQuote} from '../util/shell-quote.js'

export interface CheckDeps {
  clients: Pick<ClientFactory, 'sts'>
  /**
   * Asks IAM about a long-lived key through a keyless profile (key-owner.ts); when it fails, the
   * check falls back to GetCallerIdentity with the key itself, and says so.
   */
  owner?: (key: KeyMaterial) => Promise<KeyOwner>
}

/** Region for STS when the profile names none. */
export const defaultCheckRegion = 'us-east-1'

/** Removes every trace of the key material from a message (an error text must never carry it). */
export function redact(text: string, key: KeyMaterial): string {
  let out = text
  for (const secret of [key.secretAccessKey, key.sessionToken, key.accessKeyId]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('****')
  }
  return out
}

/** Profiles of the config file that keyless serves for `account` (keyless_account_id or sso_account_id). */
export function coveringProfiles(account: string, configProfiles: Record<string, Record<string, string>>): string[] {
  return Object.entries(configProfiles)
    .filter(([, s]) => s.keyless_account_id === account || s.sso_account_id === account)
    .map(([name]) => name)
    .sort()
}

async function callerIdentity(key: KeyMaterial, deps: CheckDeps): Promise<{account: string; arn: string; userId: string}> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  const sts = await deps.clients.sts(key.region || defaultCheckRegion, {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    ...(key.sessionToken ? {sessionToken: key.sessionToken} : {}),
  })
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}))
    return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
  } finally {
    sts.destroy()
  }
}

/**
 * `--check`: asks STS GetCallerIdentity with each key found (once per key id) and records, on each
 * finding, the account and principal, and which keyless profiles already cover that account. A key
 * STS refuses is reported on its finding, never thrown.
 */
export async function checkKeys(scan: MachineScan, deps: CheckDeps): Promise<void> {
  const byKeyId = new Map<string, Promise<KeyCheck>>()
  const check = (key: KeyMaterial): Promise<KeyCheck> => {
    const cached = byKeyId.get(key.accessKeyId)
    if (cached) return cached
    const viaIam = async (): Promise<KeyCheck> => {
      const o = await deps.owner!(key)
      return {
        ok: true, account: o.account, arn: `arn:aws:iam::${o.account}:user/${o.userName}`, userId: '', coveredBy: o.coveredBy,
        userName: o.userName, status: o.status, lastUsed: o.lastUsed ?? null, ...(o.via ? {via: o.via} : {}), usedKeyItself: o.usedKeyItself,
      }
    }
    const longLived = key.accessKeyId.startsWith('AKIA') && !key.sessionToken
    const direct = () => callerIdentity(key, deps).then(
      (id): KeyCheck => ({ok: true, ...id, coveredBy: coveringProfiles(id.account, scan.configProfiles), usedKeyItself: true}),
      (error: Error & {name?: string}): KeyCheck => {
        const message = `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message || 'no answer'}`
        return {ok: false, error: redact(message.split('\n')[0], key)}
      },
    )
    const pending = longLived && deps.owner ? viaIam().catch(direct) : direct()
    byKeyId.set(key.accessKeyId, pending)
    return pending
  }
  await Promise.all(
    scan.findings.map(async (finding: Finding) => {
      const key = scan.keys.get(finding.id)
      if (!key) return
      finding.check = await check(key)
      if (finding.check.ok && finding.check.coveredBy.length > 0 && finding.fixable && finding.kind === 'aws-file') {
        finding.advice = `keyless already covers account ${finding.check.account}: retire the key with \`keyless audit --retire --profile ${shellQuote(finding.profile ?? '')} --replace-with ${shellQuote(finding.check.coveredBy[0])}\` (deactivated in IAM, proven dead, out of the files).`
      }
    }),
  )
}
