import {randomUUID} from 'node:crypto'
import {ExitCode, KeylessError, UsageError} from '../errors.js'
import type {LineTerminal} from '../ui/line-terminal.js'
import {createSpinner} from '../ui/spinner.js'
import {failure, showInBrowser, tokenFrom, type LoginDeps, type LoginOptions} from './device-login.js'
import {ensureRegistration} from './ensure-registration.js'
import {startLoopbackServer} from './loopback-server.js'
import {oidcEndpoint} from './oidc-endpoint.js'
import {parsePastedRedirect} from './pasted-redirect.js'
import {authorizeUrl, createPkcePair} from './pkce-pair.js'
import type {SsoSession} from '../config/profile-types.js'
import type {StoredToken} from './stored-items.js'

/** How long the loopback server waits for the browser. */
export const PKCE_TIMEOUT_MS = 10 * 60 * 1000

/**
 * Authorization code + PKCE: loopback server on 127.0.0.1 (random port), `state` checked, S256
 * challenge; the code is exchanged with CreateToken (grant authorization_code + code_verifier).
 */
export interface PkceLoginOptions extends LoginOptions {
  timeoutMs?: number
  /** Also take the redirected address pasted here (whichever comes first: loopback or paste). */
  paste?: LineTerminal
}

export async function pkceLogin(session: SsoSession, options: PkceLoginOptions, deps: LoginDeps): Promise<StoredToken> {
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
    const paste = options.paste
    if (paste) {
      const text =
        `To sign in to session "${session.name}", open this URL in a browser (on any machine):\n  ${url}\n` +
        `After you approve, the browser is sent to ${server.redirectUri}?code=…&state=…, which it may fail to load.\n` +
        'Copy that whole address from the address bar and paste it here.\n'
      deps.stderr.write(text)
      if (paste.ownOutput) paste.write(text)
    } else {
      deps.stderr.write(`To sign in to session "${session.name}", open this URL in a browser on this machine:\n  ${url}\n`)
    }
    await showInBrowser(url, options, deps)
    // While a paste is awaited the terminal shows the prompt, not an animation.
    const spinner = paste
      ? createSpinner({write: (text) => deps.stderr.write(text)}, 'Waiting for the browser, or for the redirected address…')
      : createSpinner(deps.stderr, 'Waiting for the browser…')
    let code: string
    try {
      code = paste ? await Promise.race([server.code, pastedCode(paste, {redirectUri: server.redirectUri, state}, deps)]) : await server.code
    } catch (error) {
      spinner.stop()
      if (error instanceof KeylessError) throw error
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

/**
 * Reads pasted addresses until one is this sign-in's redirect: a refused one is explained and asked
 * for again on a terminal, and ends the sign-in (exit 2) from a pipe. The end of input leaves the
 * loopback server as the only way in. An OAuth error in the address rejects like the loopback's.
 */
async function pastedCode(paste: LineTerminal, expected: {redirectUri: string; state: string}, deps: LoginDeps): Promise<string> {
  for (;;) {
    const line = await paste.ask('Redirected address: ')
    if (line === undefined) return new Promise<string>(() => {})
    if (line.trim() === '') continue
    const pasted = parsePastedRedirect(line, expected)
    if (pasted.kind === 'code') return pasted.code
    if (pasted.kind === 'error') {
      const name = pasted.error.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + 'Exception'
      throw {name, error: pasted.error, ...(pasted.description ? {error_description: pasted.description} : {})}
    }
    if (!paste.interactive) throw new UsageError(`The pasted address was refused: ${pasted.reason}.`, 'Run `keyless login --flow pkce` again and paste the address the browser was sent to.')
    const message = `keyless: ${pasted.reason}. Paste the address again.\n`
    paste.write(message)
    if (paste.ownOutput) deps.stderr.write(message)
  }
}
