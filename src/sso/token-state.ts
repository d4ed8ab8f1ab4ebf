import type {SsoSession} from '../config/profile-types.js'
import {belongsTo, sameScopes, type StoredToken} from './stored-items.js'

/** A token is refreshed this long before it expires (the AWS SDKs use the same window). */
export const REFRESH_WINDOW_MS = 15 * 60 * 1000
/** A token without a refresh token is still handed out while at least this much remains. */
export const MIN_REMAINING_MS = 60 * 1000

/**
 * What the lifecycle does with a stored token:
 * - `valid`: use it;
 * - `refresh`: expired or inside the refresh window, with a refresh token: refresh silently;
 * - `login`: missing, made for another start URL/region/scopes, or expired without a refresh token.
 */
export type TokenState = 'valid' | 'refresh' | 'login'

export function tokenState(token: StoredToken | undefined, session: SsoSession, now: number): TokenState {
  if (!token || !belongsTo(token, session) || !sameScopes(token.scopes, session.scopes)) return 'login'
  const left = token.expiresAt - now
  if (token.accessToken && left > REFRESH_WINDOW_MS) return 'valid'
  if (token.refreshToken) return 'refresh'
  return token.accessToken && left > MIN_REMAINING_MS ? 'valid' : 'login'
}
