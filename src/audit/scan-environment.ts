import type {Finding, Scan} from './audit-types.js'
import {judgeKey} from './judge-key.js'
import {maskKeyId} from '../util/mask-key-id.js'

/** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment keyless runs in. */
export function scanEnvironment(env: NodeJS.ProcessEnv, now: number): Scan {
  const scan: Scan = {findings: [], keys: new Map()}
  const id = env.AWS_ACCESS_KEY_ID?.trim() || undefined
  const secret = env.AWS_SECRET_ACCESS_KEY?.trim() || undefined
  const token = (env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN)?.trim() || undefined
  if (!id && !secret) return scan
  const expiresText = env.AWS_CREDENTIAL_EXPIRATION
  const parsed = expiresText ? Date.parse(expiresText) : Number.NaN
  const expiresAt = Number.isNaN(parsed) ? undefined : parsed
  const judgement = judgeKey({keyId: id, hasSessionToken: Boolean(token), expiresAt}, now)
  // Temporary credentials in the environment are what `keyless exec` (and other tools) hand a
  // process on purpose: information, not a problem.
  const severity = judgement.longLived ? judgement.severity : 'info'
  const finding: Finding = {
    id: 'environment',
    kind: 'environment',
    location: id ? '$AWS_ACCESS_KEY_ID' : '$AWS_SECRET_ACCESS_KEY',
    ...(id ? {keyId: maskKeyId(id)} : {}),
    keyType: judgement.keyType,
    longLived: judgement.longLived,
    severity,
    ...(expiresAt === undefined ? {} : {expiresAt: new Date(expiresAt).toISOString(), expired: expiresAt <= now}),
    fixable: false,
    advice: judgement.longLived
      ? 'Set in this environment: `unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY` and remove it where it is set (a shell start-up file, a .env file, CI settings).'
      : 'Temporary credentials in this environment (e.g. from `keyless exec`); they expire on their own.',
    notes: [],
  }
  scan.findings.push(finding)
  if (id && secret) {
    scan.keys.set(finding.id, {
      accessKeyId: id,
      secretAccessKey: secret,
      ...(token ? {sessionToken: token} : {}),
      ...(env.AWS_REGION || env.AWS_DEFAULT_REGION ? {region: env.AWS_REGION || env.AWS_DEFAULT_REGION} : {}),
    })
  }
  return scan
}
