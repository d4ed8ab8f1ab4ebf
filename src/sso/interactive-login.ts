import {chooseFlow} from './choose-flow.js'
import {deviceLogin, type LoginDeps, type LoginOptions} from './device-login.js'
import {pkceLogin} from './pkce-login.js'
import type {SsoSession} from '../config/profile-types.js'
import {writeToken, type LoginFlow, type StoredToken} from './stored-items.js'

export interface InteractiveLoginOptions extends LoginOptions {
  flow?: LoginFlow
  platform?: NodeJS.Platform
}

/**
 * A browser login with the requested flow (default device); the token is stored. PKCE where no
 * browser here can reach the loopback port (SSH, no display) or with --no-browser prints the URL and
 * takes the redirected address pasted on the terminal; without a terminal it falls back to device.
 */
export async function interactiveLogin(session: SsoSession, options: InteractiveLoginOptions, deps: LoginDeps): Promise<StoredToken> {
  const terminal = options.flow === 'pkce' ? deps.openTerminal?.() : undefined
  try {
    const choice = chooseFlow(
      {requested: options.flow, noBrowser: options.noBrowser, canPaste: terminal !== undefined, wsl: deps.isWsl?.() ?? false},
      deps.env,
      options.platform,
    )
    if (choice.reason) deps.stderr.write(`Using the device code flow instead of PKCE: ${choice.reason}.\n`)
    const token =
      choice.flow === 'pkce'
        ? await pkceLogin(session, {noBrowser: choice.noBrowser, ...(choice.pasteBack && terminal ? {paste: terminal} : {})}, deps)
        : await deviceLogin(session, {noBrowser: choice.noBrowser}, deps)
    await writeToken(deps.store, session.name, token)
    return token
  } finally {
    terminal?.close()
  }
}
