import type {LoginFlow} from './stored-items.js'

export interface FlowChoice {
  flow: LoginFlow
  /** Why the requested flow was not used (told to the user). */
  reason?: string
}

/**
 * PKCE needs a browser on this machine (it redirects to our loopback port). In an SSH session or
 * on Linux without a display the device flow is used instead — unless BROWSER is set explicitly,
 * which names a browser that works here.
 */
export function chooseFlow(requested: LoginFlow | undefined, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): FlowChoice {
  if (requested !== 'pkce') return {flow: 'device'}
  if (env.BROWSER) return {flow: 'pkce'}
  if (env.SSH_CONNECTION || env.SSH_TTY) {
    return {flow: 'device', reason: 'this is an SSH session, so a browser here cannot reach the loopback redirect'}
  }
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return {flow: 'device', reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)'}
  }
  return {flow: 'pkce'}
}
