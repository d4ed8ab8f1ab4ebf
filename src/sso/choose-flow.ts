import type {LoginFlow} from './stored-items.js'

export interface FlowChoice {
  flow: LoginFlow
  /** Only print the sign-in URL: no browser here can be used (or --no-browser). */
  noBrowser: boolean
  /** PKCE: also take the redirected address pasted on the terminal (the loopback port may be out of the browser's reach). */
  pasteBack: boolean
  /** Why the requested flow was not used (told to the user). */
  reason?: string
}

export interface FlowRequest {
  /** --flow, else the sso-session's keyless_login_flow; undefined = device. */
  requested?: LoginFlow
  noBrowser?: boolean
  /** A terminal is there to paste the redirected address on. */
  canPaste: boolean
  /** Running under WSL: the Windows browser opens the URL (and reaches the loopback port). */
  wsl?: boolean
}

/**
 * The device flow unless PKCE is asked for. PKCE redirects the browser to our loopback port: in an
 * SSH session or on Linux without a display no browser here can be opened, so the URL is printed
 * and the redirected address is pasted back on the terminal (without a terminal: the device flow,
 * saying why). BROWSER set names a browser that works here. With --no-browser the URL is printed
 * and either the loopback redirect or a pasted address completes the sign-in.
 */
export function chooseFlow(request: FlowRequest, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): FlowChoice {
  const noBrowser = Boolean(request.noBrowser)
  if (request.requested !== 'pkce') return {flow: 'device', noBrowser, pasteBack: false}
  if (env.BROWSER) return {flow: 'pkce', noBrowser, pasteBack: noBrowser && request.canPaste}
  const ssh = Boolean(env.SSH_CONNECTION || env.SSH_TTY)
  const headless = !ssh && !request.wsl && platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY
  if (ssh || headless) {
    if (request.canPaste) return {flow: 'pkce', noBrowser: true, pasteBack: true}
    const where = ssh ? 'this is an SSH session' : 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)'
    return {flow: 'device', noBrowser, pasteBack: false, reason: `${where} and there is no terminal to paste the redirected address on`}
  }
  return {flow: 'pkce', noBrowser, pasteBack: noBrowser && request.canPaste}
}
