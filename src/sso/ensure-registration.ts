import type {StoreDeps} from '../deps.js'
import type {ClientFactory} from '../util/aws-clients.js'
import {storeKeys} from '../store/keys.js'
import {oidcFailure} from './oidc-failure.js'
import type {SsoSession} from '../config/profile-types.js'
import {belongsTo, readRegistration, sameScopes, writeRegistration, type LoginFlow, type StoredRegistration} from './stored-items.js'

/** Registrations are reused until this long before they expire. */
export const REGISTRATION_MARGIN_MS = 60 * 60 * 1000
export const CLIENT_NAME = 'keyless'
/** Registered redirect for PKCE; the loopback port varies per login (RFC 8252 §7.3). */
export const PKCE_REDIRECT_URI = 'http://127.0.0.1/oauth/callback'

export interface RegistrationDeps extends StoreDeps {
  clients: ClientFactory
}

/** Whether a stored registration can serve this session and flow for at least the margin. */
export function registrationUsable(
  registration: StoredRegistration | undefined,
  session: SsoSession,
  flow: LoginFlow | undefined,
  now: number,
): registration is StoredRegistration {
  if (!registration || !belongsTo(registration, session) || !sameScopes(registration.scopes, session.scopes)) return false
  if (flow && registration.flow !== flow) return false
  return registration.expiresAt - now > REGISTRATION_MARGIN_MS
}

/** The session's OIDC client registration for a flow: the stored one while usable, else a new one (stored). */
export async function ensureRegistration(session: SsoSession, flow: LoginFlow, deps: RegistrationDeps): Promise<StoredRegistration> {
  const stored = await readRegistration(deps.store, session.name)
  if (registrationUsable(stored, session, flow, deps.now())) return stored

  const {RegisterClientCommand} = await import('@aws-sdk/client-sso-oidc')
  const client = await deps.clients.oidc(session.region)
  const grantTypes = flow === 'pkce' ? ['authorization_code', 'refresh_token'] : []
  let out
  try {
    out = await client.send(
      new RegisterClientCommand({
        clientName: CLIENT_NAME,
        clientType: 'public',
        scopes: session.scopes.length > 0 ? session.scopes : undefined,
        ...(flow === 'pkce' ? {grantTypes, redirectUris: [PKCE_REDIRECT_URI], issuerUrl: session.startUrl} : {}),
      }),
    )
  } catch (error) {
    throw oidcFailure(
      `Registering the sign-in client for session "${session.name}"`,
      error,
      `Check the region and scopes of the session (\`keyless configure --session ${session.name}\`).`,
    )
  }
  if (!out.clientId || !out.clientSecret) {
    throw oidcFailure(`Registering the sign-in client for session "${session.name}"`, {name: 'InvalidResponse', error_description: 'no client id or secret in the answer'})
  }
  const registration: StoredRegistration = {
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    // clientSecretExpiresAt is in seconds; without it, assume the documented 90 days.
    expiresAt: out.clientSecretExpiresAt ? out.clientSecretExpiresAt * 1000 : deps.now() + 90 * 24 * 3600 * 1000,
    scopes: session.scopes,
    flow,
    grantTypes: flow === 'pkce' ? grantTypes : ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    startUrl: session.startUrl,
    region: session.region,
  }
  await writeRegistration(deps.store, session.name, registration)
  return registration
}

/** Drops a registration the service no longer accepts (InvalidClient). */
export async function dropRegistration(session: SsoSession, deps: StoreDeps): Promise<void> {
  await deps.store.delete(storeKeys.registration(session.name))
}
