import {spawn} from 'node:child_process'
import {accessSync, constants, existsSync, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

export interface OpenBrowserOptions {
  env: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  /** Under WSL: open the page in the Windows browser (wslview, cmd.exe or powershell.exe on PATH). */
  wsl?: boolean
}

/** How an opener is started: the URL in its arguments, or (hidden from `ps`) in its environment. */
export interface BrowserCommand {
  file: string
  args: string[]
  /** Variables added to the opener's environment. */
  env?: Record<string, string>
}

/** The variable that carries the URL to the Windows openers (passed to Windows through WSLENV). */
export const OPEN_URL_VARIABLE = 'KEYLESS_OPEN_URL'

/**
 * The command that opens a URL: `$BROWSER URL` when BROWSER is set (run as a command, the URL as
 * its one argument; a `%s` in it is replaced instead, as xdg-utils does), else the platform opener.
 */
export function browserCommand(url: string, options: OpenBrowserOptions): BrowserCommand {
  const platform = options.platform ?? process.platform
  // BROWSER is a list like PATH: ';' between entries on Windows, where ':' follows a drive letter.
  const browser = options.env.BROWSER?.split(platform === 'win32' ? ';' : ':')[0]?.trim()
  if (browser && platform === 'win32') {
    // An .exe runs directly; anything else (a .cmd, "chrome --new-window") through cmd.exe, the URL
    // in double quotes (& and ? are plain text there). Node runs no .cmd without a shell.
    if (/\.exe$/i.test(browser) && existsSync(browser)) return {file: browser, args: [url]}
    const command = browser.includes('%s') ? browser.replaceAll('%s', `"${url}"`) : `${browser} "${url}"`
    return {file: options.env.ComSpec || 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`]}
  }
  if (browser) {
    if (existsSync(browser)) return {file: browser, args: [url]}
    // Run through the shell so `BROWSER="firefox --new-window"` works; the URL goes in as "$1".
    const script = browser.includes('%s') ? browser.replaceAll('%s', '"$1"') : `${browser} "$1"`
    return {file: '/bin/sh', args: ['-c', script, 'keyless-browser', url]}
  }
  if (options.wsl) {
    const windows = wslCommand(url, options.env)
    if (windows) return windows
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
 * The Windows browser from WSL: `wslview URL` (wslu; the URL is in its arguments, as for xdg-open),
 * else `cmd.exe /d /c start %KEYLESS_OPEN_URL%`, else `powershell.exe … Start-Process
 * $env:KEYLESS_OPEN_URL`. The last two get the URL in an environment variable passed to Windows
 * through WSLENV, so `ps` on either side shows only the variable's name. For cmd.exe the value's
 * & | < > ^ are escaped with ^ (it expands %VAR% before it parses the line). Undefined when none of
 * them is on PATH.
 */
export function wslCommand(url: string, env: NodeJS.ProcessEnv): BrowserCommand | undefined {
  const wslview = findOnPath('wslview', env)
  if (wslview) return {file: wslview, args: [url]}
  const wslenv = env.WSLENV ? `${env.WSLENV}:${OPEN_URL_VARIABLE}/u` : `${OPEN_URL_VARIABLE}/u`
  const cmd = findOnPath('cmd.exe', env)
  if (cmd) {
    return {file: cmd, args: ['/d', '/c', 'start', `%${OPEN_URL_VARIABLE}%`], env: {[OPEN_URL_VARIABLE]: url.replaceAll(/[\^&|<>]/g, '^$&'), WSLENV: wslenv}}
  }
  const powershell = findOnPath('powershell.exe', env)
  if (powershell) {
    return {
      file: powershell,
      args: ['-NoProfile', '-NonInteractive', '-Command', `Start-Process $env:${OPEN_URL_VARIABLE}`],
      env: {[OPEN_URL_VARIABLE]: url, WSLENV: wslenv},
    }
  }
  return undefined
}

/** The first executable file called `name` in env.PATH. */
function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      if (statSync(file).isFile()) return file
    } catch {
      // not here
    }
  }
  return undefined
}

/**
 * Starts the browser on a URL and resolves once it is running (it is not waited for: in the PKCE
 * flow the browser must reach our loopback server while we listen). Rejects when it cannot start.
 */
export function openBrowser(url: string, options: OpenBrowserOptions): Promise<void> {
  const {file, args, env} = browserCommand(url, options)
  return new Promise((resolve, reject) => {
    const windows = process.platform === 'win32'
    // windowsVerbatimArguments: on Windows cmd.exe parses its own command line; Node's quoting would break it.
    const child = spawn(file, args, {
      env: env ? {...options.env, ...env} : options.env,
      stdio: 'ignore',
      detached: !windows,
      windowsVerbatimArguments: windows && /cmd(\.exe)?$/i.test(file),
    })
    child.once('error', (error) => reject(error))
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}
