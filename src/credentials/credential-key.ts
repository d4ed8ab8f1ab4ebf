import {storeKeys} from '../store/keys.js'
import {chainDigest} from './chain-digest.js'
import type {CredentialSpec} from './credential-spec.js'

/** The secret-store key of a profile's cached credentials; undefined for static keys (never cached). */
export function credentialKey(spec: CredentialSpec): string | undefined {
  switch (spec.kind) {
    case 'sso':
      return storeKeys.role(spec.session, spec.accountId, spec.roleName)
    case 'chain':
      return storeKeys.chain(chainDigest(spec))
    case 'static':
      return undefined
  }
}
