import {randomUUID} from 'node:crypto'
import {ExitCode, KeylessError} from '../errors.js'
import {createSpinner} from '../ui/spinner.js'
import {failure, showInBrowser, tokenFrom, type LoginDeps, type LoginOptions} from './device-login.js'
import {ensureRegistration} from './ensure-registration.js'
import {startLoopbackServer} from './loopback-server.js'
import {oidcEndpoint} from './oidc-endpoint.js'
import {authorizeUrl, createPkcePair} from './pkce-pair.js'
import type {SsoSession} from '../config/profile-types.js'
import type {StoredToken} from './stored-items.js'

/** How long the loopback server waits for the browser. */
export const PKCE_TIMEOUT_MS = 10 * 60 * 1000

/**
 * Authorization code + PKCE: loopback server on 127.0.0.1 (random port), `state` checked, S256
 * challenge; the code is exchanged with CreateToken (grant authorization_code + code_verifier).
 */
export async function pkceLogin(session: SsoSession, options: LoginOptions & {timeoutMs?: number}, deps: LoginDeps): Promise<StoredToken> {
  const registration = await ensureRegistration(session, 'pkce', deps)
  const {CreateTokenCommand} = await import('@aws-sdk/client-sso-oidc')
  const client = await deps.clients.oidc(session.region)
  const pair = createPkcePair()
  const state = randomUUID()
  const server = await startLoopbackServer({state, timeoutMs: options.timeoutMs ?? PKCE_TIMEOUT_MS})
  try {
    const url = authorizeUrl({
      endpoint: oidcEndpoint(session.region, deps.env),
      clientId: registration.clientId,
      redirectUri: server.redirectUri,
      state,
      challenge: pair.challenge,
      scopes: session.scopes,
    })
    deps.stderr.write(`To sign in to session "${session.name}", open this URL in a browser on this machine:\n  ${url}\n`)
    await showInBrowser(url, options, deps)
    const spinner = createSpinner(deps.stderr, 'Waiting for the browser…')
    let code: string
    try {
      code = await server.code
    } catch (error) {
      spinner.stop()
      if ((error as {name?: string}).name === 'TimeoutError') {
        throw new KeylessError(`No answer from the browser for session "${session.name}" within ${Math.round((options.timeoutMs ?? PKCE_TIMEOUT_MS) / 60000)} min.`, {
          code: 'Timeout',
          exit: ExitCode.loginRequired,
          hint: `Run \`keyless login --session ${session.name}\` again (or use --flow device).`,
        })
      }
      throw await failure(error, session, deps, 'Signing in')
    }
    try {
      const out = await client.send(
        new CreateTokenCommand({
          grantType: 'authorization_code',
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          code,
          codeVerifier: pair.verifier,
          redirectUri: server.redirectUri,
        }),
      )
      const token = tokenFrom(out, session, deps.now())
      spinner.stop(`Signed in to session "${session.name}".`)
      return token
    } catch (error) {
      spinner.stop()
      throw await failure(error, session, deps, 'Signing in')
    }
  } finally {
    await server.close()
  }
}
