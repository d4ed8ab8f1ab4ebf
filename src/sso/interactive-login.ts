import {chooseFlow} from './choose-flow.js'
import {deviceLogin, type LoginDeps, type LoginOptions} from './device-login.js'
import {pkceLogin} from './pkce-login.js'
import type {SsoSession} from '../config/profile-types.js'
import {writeToken, type LoginFlow, type StoredToken} from './stored-items.js'

export interface InteractiveLoginOptions extends LoginOptions {
  flow?: LoginFlow
  platform?: NodeJS.Platform
}

/** A browser login with the requested flow (PKCE falls back to device without a display); the token is stored. */
export async function interactiveLogin(session: SsoSession, options: InteractiveLoginOptions, deps: LoginDeps): Promise<StoredToken> {
  const choice = chooseFlow(options.flow, deps.env, options.platform)
  if (choice.reason) deps.stderr.write(`Using the device code flow instead of PKCE: ${choice.reason}.\n`)
  const token = choice.flow === 'pkce' ? await pkceLogin(session, options, deps) : await deviceLogin(session, options, deps)
  await writeToken(deps.store, session.name, token)
  return token
}
