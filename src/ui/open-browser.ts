import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

export interface OpenBrowserOptions {
  env: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
}

/**
 * The command that opens a URL: `$BROWSER URL` when BROWSER is set (run as a command, the URL as
 * its one argument; a `%s` in it is replaced instead, as xdg-utils does), else the platform opener.
 */
export function browserCommand(url: string, options: OpenBrowserOptions): {file: string; args: string[]; shell?: boolean} {
  const platform = options.platform ?? process.platform
  // BROWSER is a list like PATH: ';' between entries on Windows, where ':' follows a drive letter.
  const browser = options.env.BROWSER?.split(platform === 'win32' ? ';' : ':')[0]?.trim()
  if (browser && platform === 'win32') {
    // An .exe runs directly; anything else (a .cmd, "chrome --new-window") through cmd.exe, the URL
    // in double quotes (& and ? are plain text there). Node runs no .cmd without a shell.
    if (/\.exe$/i.test(browser) && existsSync(browser)) return {file: browser, args: [url]}
    const command = browser.includes('%s') ? browser.replaceAll('%s', `"${url}"`) : `${browser} "${url}"`
    return {file: options.env.ComSpec || 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], shell: false}
  }
  if (browser) {
    if (existsSync(browser)) return {file: browser, args: [url]}
    // Run through the shell so `BROWSER="firefox --new-window"` works; the URL goes in as "$1".
    const script = browser.includes('%s') ? browser.replaceAll('%s', '"$1"') : `${browser} "$1"`
    return {file: '/bin/sh', args: ['-c', script, 'keyless-browser', url]}
  }
  switch (platform) {
    case 'darwin':
      return {file: 'open', args: [url]}
    case 'win32':
      return {file: 'cmd', args: ['/c', 'start', '""', url.replaceAll('&', '^&')]}
    default:
      return {file: 'xdg-open', args: [url]}
  }
}

/**
 * Starts the browser on a URL and resolves once it is running (it is not waited for: in the PKCE
 * flow the browser must reach our loopback server while we listen). Rejects when it cannot start.
 */
export function openBrowser(url: string, options: OpenBrowserOptions): Promise<void> {
  const {file, args} = browserCommand(url, options)
  return new Promise((resolve, reject) => {
    const windows = process.platform === 'win32'
    // windowsVerbatimArguments: cmd.exe parses its own command line; Node's quoting would break it.
    const child = spawn(file, args, {env: options.env, stdio: 'ignore', detached: !windows, windowsVerbatimArguments: windows && /cmd(\.exe)?$/i.test(file)})
    child.once('error', (error) => reject(error))
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}
