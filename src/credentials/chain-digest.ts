import {createHash} from 'node:crypto'
import type {CredentialSpec} from './credential-spec.js'

/** The spec with a fixed key order, so equal definitions always give equal text. */
function canonical(spec: CredentialSpec): unknown[] {
  switch (spec.kind) {
    case 'sso':
      return ['sso', spec.session, spec.accountId, spec.roleName]
    case 'static':
      return ['static', spec.accessKeyId]
    case 'environment':
      return ['environment', spec.accessKeyId]
    case 'chain': {
      const hop: unknown[] = ['chain', spec.roleArn, spec.externalId ?? null, spec.roleSessionName ?? null, spec.durationSeconds ?? null, canonical(spec.source)]
      // Appended only when set, so chains without them keep the digests (and cache entries) they had.
      if (spec.sourceIdentity !== undefined || spec.sessionTags !== undefined || spec.transitiveTagKeys !== undefined) {
        hop.push({
          sourceIdentity: spec.sourceIdentity ?? null,
          // The order of tags does not change the session; their case does.
          sessionTags: [...(spec.sessionTags ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          transitiveTagKeys: [...(spec.transitiveTagKeys ?? [])].map((k) => k.toLowerCase()).sort(),
        })
      }
      return hop
    }
  }
}

/**
 * A digest of a whole role chain definition (every hop down to its SSO role or static key id), so a
 * cached chained credential is reused only by a profile that would produce the same thing: the same
 * roles, external ids, session names, durations, source identity and session tags (different tags never
 * share cached credentials). Secret keys are not part of it; the access key id names a static or
 * environment source.
 */
export function chainDigest(spec: CredentialSpec): string {
  return createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex').slice(0, 32)
}
