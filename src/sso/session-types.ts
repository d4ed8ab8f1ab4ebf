import type {SsoSession} from '../config/profile-types.js'

/** A bearer token for the portal, as the rest of keyless uses it. */
export interface AccessToken {
  accessToken: string
  /** epoch ms */
  expiresAt: number
}

/**
 * Supplies a valid portal token for a session, doing whatever the lifecycle needs (cached, silent
 * refresh, login with single flight). `invalidate` is called when the portal answered 401 to a
 * token that looked valid; the next `get` refreshes or logs in once.
 */
export interface TokenProvider {
  get(session: SsoSession): Promise<AccessToken>
  invalidate(session: SsoSession, token: AccessToken): Promise<void>
  /** Whether `get` may start a browser sign-in (false with --no-login); unknown counts as yes. */
  readonly mayLogIn?: boolean
}
