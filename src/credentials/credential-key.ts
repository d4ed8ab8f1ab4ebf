import {storeKeys} from '../store/keys.js'
import {chainDigest} from './chain-digest.js'
import type {CredentialSpec} from './credential-spec.js'

/**
 * The secret-store key of a profile's cached credentials; undefined for static keys (never cached).
 * A chain is filed under the sso-session it starts from (`chain/<session>/<digest>`, or
 * `chain/static/<digest>` for a chain from access keys or credential_source = Environment), so a logout can remove it with the rest
 * of the session.
 */
export function credentialKey(spec: CredentialSpec): string | undefined {
  switch (spec.kind) {
    case 'sso':
      return storeKeys.role(spec.session, spec.accountId, spec.roleName)
    case 'chain':
      return storeKeys.chain(rootSession(spec) ?? 'static', chainDigest(spec))
    case 'static':
    case 'environment':
      return undefined
  }
}

function rootSession(spec: CredentialSpec): string | undefined {
  if (spec.kind === 'sso') return spec.session
  return spec.kind === 'chain' ? rootSession(spec.source) : undefined
}
