import {createHash} from 'node:crypto'
import type {CredentialSpec} from './credential-spec.js'

/** The spec with a fixed key order, so equal definitions always give equal text. */
function canonical(spec: CredentialSpec): unknown[] {
  switch (spec.kind) {
    case 'sso':
      return ['sso', spec.session, spec.accountId, spec.roleName]
    case 'static':
      return ['static', spec.accessKeyId]
    case 'stored-key':
      return ['stored-key', spec.keyName, spec.mfaSerial ?? null]
    case 'chain':
      // mfaSerial only when set, so the digests of chains without MFA stay what they were.
      return [
        'chain', spec.roleArn, spec.externalId ?? null, spec.roleSessionName ?? null, spec.durationSeconds ?? null, canonical(spec.source),
        ...(spec.mfaSerial ? [spec.mfaSerial] : []),
      ]
  }
}

/**
 * A digest of a whole role chain definition (every hop down to its SSO role or static key id), so a
 * cached chained credential is reused only by a profile that would produce the same thing. Secret
 * keys are not part of it; the access key id names a static source.
 */
export function chainDigest(spec: CredentialSpec): string {
  return createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex').slice(0, 32)
}
