import {storeKeys} from '../store/keys.js'
import {dropRegistration, type RegistrationDeps} from './ensure-registration.js'
import {describeOidcError, isOidcError} from './oidc-error.js'
import {oidcFailure, requireAccessToken} from './oidc-failure.js'
import type {SsoSession} from '../config/profile-types.js'
import {belongsTo, readRegistration, writeToken, type StoredToken} from './stored-items.js'

export type RefreshResult = {ok: true; token: StoredToken} | {ok: false; reason: string}

/**
 * The refresh_token grant, silently (no browser). Keeps the old refresh token when the answer
 * has none. A rejected refresh (InvalidGrant) drops the stored token; a rejected client
 * (InvalidClient) drops the registration and the token: either way a fresh login is needed.
 * Network and service faults throw.
 */
export async function refreshToken(session: SsoSession, token: StoredToken, deps: RegistrationDeps): Promise<RefreshResult> {
  if (!token.refreshToken) return {ok: false, reason: 'the token has no refresh token'}
  const registration = await readRegistration(deps.store, session.name)
  if (!registration || !belongsTo(registration, session) || registration.expiresAt <= deps.now()) {
    return {ok: false, reason: 'the client registration expired'}
  }
  const {CreateTokenCommand} = await import('@aws-sdk/client-sso-oidc')
  const client = await deps.clients.oidc(session.region)
  try {
    const out = await client.send(
      new CreateTokenCommand({
        grantType: 'refresh_token',
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        refreshToken: token.refreshToken,
      }),
    )
    const fresh: StoredToken = {
      ...token,
      accessToken: requireAccessToken(out, 'Refreshing the session token'),
      refreshToken: out.refreshToken || token.refreshToken,
      expiresAt: deps.now() + (out.expiresIn ?? 3600) * 1000,
    }
    await writeToken(deps.store, session.name, fresh)
    return {ok: true, token: fresh}
  } catch (error) {
    if (isOidcError(error, 'InvalidGrantException')) {
      await deps.store.delete(storeKeys.token(session.name))
      return {ok: false, reason: `the refresh was rejected (${describeOidcError(error)})`}
    }
    if (isOidcError(error, 'InvalidClientException')) {
      await dropRegistration(session, deps)
      await deps.store.delete(storeKeys.token(session.name))
      return {ok: false, reason: `the client registration was rejected (${describeOidcError(error)})`}
    }
    throw oidcFailure(`Refreshing the token of session "${session.name}"`, error)
  }
}
