import {loadAwsConfig} from '../config/load-aws-config.js'
import {pickSsoSession} from '../config/sso-sessions.js'
import type {LoginFlow} from './stored-items.js'
import {createTokenProvider, type TokenProviderDeps, type TokenSource} from './token-provider.js'

export interface LoginInput {
  session?: string
  flow?: LoginFlow
  noBrowser?: boolean
  /** Sign in again even with a valid token. */
  force?: boolean
  platform?: NodeJS.Platform
}

export interface LoginResult {
  session: string
  /** ISO-8601 */
  expiresAt: string
  refreshable: boolean
  /** cached: a valid token was there; refreshed: silently refreshed; login: signed in through the browser. */
  source: TokenSource
}

/** `keyless login`: make sure the session has a valid token, signing in through the browser if needed. */
export async function loginSession(input: LoginInput, deps: TokenProviderDeps): Promise<LoginResult> {
  const config = await loadAwsConfig(deps.paths)
  const session = pickSsoSession(config, input.session)
  const tokens = createTokenProvider(deps, {noLogin: false, noBrowser: input.noBrowser, flow: input.flow, platform: input.platform})
  const {token, source} = await tokens.ensure(session, {force: input.force})
  const until = new Date(token.expiresAt).toISOString()
  if (source === 'cached') {
    deps.stderr.write(`Already signed in to session "${session.name}" (token valid until ${until}). Use --force to sign in again.\n`)
  } else if (source === 'refreshed') {
    deps.stderr.write(`Refreshed the token of session "${session.name}" (valid until ${until}).\n`)
  }
  return {session: session.name, expiresAt: until, refreshable: Boolean(token.refreshToken), source}
}
