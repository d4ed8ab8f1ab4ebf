import {loadAwsConfig} from '../config/load-aws-config.js'
import {getSsoSession, listSsoSessions, pickSsoSession} from '../config/sso-sessions.js'
import type {StoreDeps} from '../deps.js'
import {KeylessError, UsageError} from '../errors.js'
import type {ClientFactory} from '../util/aws-clients.js'
import {createMemoryStore} from '../store/memory-store.js'
import {classifyAwsError, isNetworkKind} from '../util/classify-aws-error.js'
import {describeOidcError} from './oidc-error.js'
import {refreshToken} from './refresh-token.js'
import type {SsoSession} from '../config/profile-types.js'
import {readToken, sessionKeys, type StoredToken} from './stored-items.js'
import {MIN_REMAINING_MS} from './token-state.js'

export interface LogoutInput {
  session?: string
  all?: boolean
}

export interface SessionLogout {
  session: string
  /** ended: the portal ended the sign-in; none: there was no usable token; unreachable/failed: best effort failed. */
  portal: 'ended' | 'none' | 'unreachable' | 'failed'
  /** How many secrets were removed from the store. */
  removed: number
}

export interface LogoutDeps extends StoreDeps {
  clients: ClientFactory
}

/** Session names that have secrets in the store (also those no longer in the config). */
export async function storedSessionNames(deps: StoreDeps): Promise<string[]> {
  const names = new Set<string>()
  for (const prefix of ['registration/', 'token/']) {
    for (const key of await deps.store.list(prefix)) names.add(key.slice(prefix.length))
  }
  for (const key of await deps.store.list('role/')) names.add(key.split('/')[1])
  names.delete('')
  return [...names].sort()
}

/**
 * `keyless logout`: remove every secret of the session (registration, token, role credentials)
 * first, then end the sign-in at the portal (Logout API) with a short deadline — one attempt per
 * call — as best effort: offline is said and not fatal, and a stalled network never keeps the
 * secrets on the machine.
 */
export async function logoutSession(input: LogoutInput, deps: LogoutDeps): Promise<SessionLogout[]> {
  if (input.all && input.session) throw new UsageError('Use either --session or --all, not both.')
  const config = await loadAwsConfig(deps.paths)
  const targets: Array<{name: string; session?: SsoSession}> = []
  if (input.all) {
    const configured = listSsoSessions(config)
    for (const s of configured) targets.push({name: s.name, session: s})
    for (const name of await storedSessionNames(deps)) if (!configured.some((s) => s.name === name)) targets.push({name})
  } else if (input.session && !Object.hasOwn(config.ssoSessions, input.session) && (await storedSessionNames(deps)).includes(input.session)) {
    // A session removed from the config whose secrets are still stored.
    targets.push({name: input.session})
  } else {
    const session = input.session ? getSsoSession(config, input.session) : pickSsoSession(config)
    targets.push({name: session.name, session})
  }

  if (targets.length === 0) deps.stderr.write('No session to log out of: nothing is configured or stored.\n')
  const results: SessionLogout[] = []
  for (const target of targets) {
    // What the portal call needs (the token, and the registration to refresh it) is kept in memory
    // only, so that a refresh during the revocation writes nothing back to the real store.
    const kept = createMemoryStore()
    let removed = 0
    for (const key of await sessionKeys(deps.store, target.name)) {
      const value = await deps.store.get(key)
      if (value !== undefined) await kept.set(key, value)
      if (await deps.store.delete(key)) removed++
    }
    deps.stderr.write(`Logged out of session "${target.name}": ${removed} secret${removed === 1 ? '' : 's'} removed from the ${deps.store.kind} store.\n`)
    const portal = await endPortalSession(target.name, target.session, {...deps, store: kept, clients: oneAttempt(deps.clients)})
    results.push({session: target.name, portal, removed})
  }
  return results
}

async function endPortalSession(name: string, session: SsoSession | undefined, deps: LogoutDeps): Promise<SessionLogout['portal']> {
  let token: StoredToken | undefined = await readToken(deps.store, name)
  if (!token) return 'none'
  const region = session?.region ?? token.region
  try {
    if (token.accessToken === '' || token.expiresAt - deps.now() < MIN_REMAINING_MS) {
      // An expired token cannot call Logout; a refresh token can get one that does.
      const refreshed = token.refreshToken ? await refreshToken(session ?? {name, startUrl: token.startUrl, region, scopes: token.scopes}, token, deps) : undefined
      token = refreshed?.ok ? refreshed.token : undefined
      if (!token) return 'none'
    }
    const {LogoutCommand} = await import('@aws-sdk/client-sso')
    const client = await deps.clients.portal(region)
    await client.send(new LogoutCommand({accessToken: token.accessToken}))
    return 'ended'
  } catch (error) {
    // A KeylessError here comes from the refresh, already classified (its cause is the SDK error).
    const facts = classifyAwsError(error instanceof KeylessError && error.cause ? error.cause : error)
    if (facts.kind === 'unauthorized') return 'none'
    if (isNetworkKind(facts.kind)) {
      deps.stderr.write(`Could not reach the AWS access portal to end the sign-in of "${name}"; the local secrets are removed.\n`)
      return 'unreachable'
    }
    deps.stderr.write(`The AWS access portal did not end the sign-in of "${name}" (${describeOidcError(error)}); the local secrets are removed.\n`)
    return 'failed'
  }
}

/** The clients with one attempt per call: revoking is best effort and must not keep logout waiting. */
function oneAttempt(clients: ClientFactory): ClientFactory {
  return {...clients, oidc: (region) => clients.oidc(region, {maxAttempts: 1}), portal: (region) => clients.portal(region, {maxAttempts: 1})}
}
