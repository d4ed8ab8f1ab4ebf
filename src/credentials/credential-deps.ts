import type {StoreDeps} from '../deps.js'
import type {TokenProvider} from '../sso/session-types.js'
import type {ClientFactory} from '../util/aws-clients.js'
import type {LockRunner} from '../lock/with-lock.js'
import type {MfaCodeSource} from './mfa-code.js'

/** What the credential providers need: clock, store, paths, stderr, the AWS clients and portal tokens. */
export interface CredentialDeps extends StoreDeps {
  clients: ClientFactory
  tokens: TokenProvider
  /** The cross-process lock; defaults to withLock under paths.lockDir. */
  lock?: LockRunner
  /** Where MFA codes come from (mfa_process or the terminal); without it MFA profiles fail. */
  mfaCode?: MfaCodeSource
  /**
   * When this process started (epoch ms): a fetch failure another process recorded after it is
   * shared rather than retried (credential-process callers that waited in the fast path first).
   */
  startedAt?: number
}
