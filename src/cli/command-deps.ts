import {realSleep, type Output, type StoreDeps} from '../deps.js'
import type {SecretStore} from '../store/secret-store.js'
import type {TokenProvider} from '../sso/session-types.js'
import {createTokenProvider} from '../sso/token-provider.js'
import type {LoginFlow} from '../sso/stored-items.js'
import {createMfaCodeSource, type MfaCodeSource} from '../credentials/mfa-code.js'
import {askTerminal} from '../ui/ask-terminal.js'
import {readFileSync} from 'node:fs'
import {detectWsl} from '../ui/detect-wsl.js'
import {openLineTerminal, type LineTerminal} from '../ui/line-terminal.js'
import {openBrowser} from '../ui/open-browser.js'
import {tellTerminal} from '../ui/tell-terminal.js'
import {createClientFactory, networkBoundsFrom, type ClientFactory} from '../util/aws-clients.js'
import {resolvePaths} from '../util/paths.js'

/** Everything a command hands to domain code. Built once per command run by createAppDeps. */
export interface AppDeps extends StoreDeps {
  /** Where the command's data goes (process.stdout). */
  stdout: Output
  clients: ClientFactory
  openBrowser: (url: string) => Promise<void>
  /** The terminal a PKCE redirect address can be pasted on (stdin, or /dev/tty), opened on demand. */
  openTerminal: () => LineTerminal | undefined
  /** Running under WSL (from /proc/version or WSL_DISTRO_NAME), read once on demand. */
  isWsl: () => boolean
  /** stdin and stderr are TTYs: prompts and pickers may be shown. */
  isInteractive: boolean
  /** The session token lifecycle (cached, silent refresh, single-flight login). */
  tokens: TokenProvider
  /** MFA codes for stored-key profiles and MFA role chains: mfa_process, else the controlling terminal. */
  mfaCode: MfaCodeSource
  /** When stderr is not a terminal: shows sign-in text on the controlling terminal (true when shown). */
  tellTerminal?: (text: string) => boolean
}

export interface AppDepsOptions {
  /** Never start a browser login (also KEYLESS_NO_LOGIN=1): LoginRequiredError, exit 3. */
  noLogin?: boolean
  /** Print sign-in URLs without opening a browser. */
  noBrowser?: boolean
  flow?: LoginFlow
  /** Where people-facing text goes instead of process.stderr (the agent's log). */
  stderr?: Output
}

/**
 * A SecretStore that opens the real one (keychain or encrypted file, per KEYLESS_STORE) on first
 * use, so commands that never touch a secret never open the keychain or ask for a passphrase.
 */
export function lazyStore(open: () => Promise<SecretStore>, kindHint: string): SecretStore {
  let opened: Promise<SecretStore> | undefined
  let store: SecretStore | undefined
  const get = async () => {
    opened ??= open().then((s) => (store = s))
    return opened
  }
  return {
    get kind() {
      return store?.kind ?? kindHint
    },
    get description() {
      return store?.description ?? kindHint
    },
    get: async (key) => (await get()).get(key),
    set: async (key, value) => (await get()).set(key, value),
    delete: async (key) => (await get()).delete(key),
    list: async (prefix) => (await get()).list(prefix),
  }
}

/** The real process's stdout and stderr. */
export function processStreams(): {stdout: Output; stderr: Output} {
  return {
    stdout: {write: (text) => void process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY)},
    stderr: {write: (text) => void process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY)},
  }
}

/** The real process: a snapshot of the environment, stdout and stderr, the real clock, the configured store. */
export async function createAppDeps(options: AppDepsOptions = {}): Promise<AppDeps> {
  const env = {...process.env}
  // On Node 20 the SDK prints a multi-line NodeVersionSupportWarning at the first call (`status`
  // says it once instead). The SDK has only this documented switch, an environment variable: set
  // here once per process, after the snapshot above, so children (`exec`) never inherit it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const paths = resolvePaths(env)
  const streams = processStreams()
  const stdout = streams.stdout
  const stderr: Output = options.stderr ?? streams.stderr
  const store = lazyStore(async () => {
    const {openStore} = await import('../store/open-store.js')
    return openStore(env, paths)
  }, env.KEYLESS_STORE === 'file' ? 'file' : 'keychain')
  let wsl: boolean | undefined
  const isWsl = () => (wsl ??= detectWsl(env, readText))
  const base = {
    now: () => Date.now(),
    sleep: realSleep,
    env,
    stdout,
    stderr,
    paths,
    store,
    clients: createClientFactory({bounds: networkBoundsFrom(env)}),
    openBrowser: (url: string) => openBrowser(url, {env, wsl: isWsl()}),
    openTerminal: () => openLineTerminal({stdin: process.stdin, stderr: process.stderr}),
    isWsl,
    isInteractive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    mfaCode: createMfaCodeSource({askTerminal: (question) => askTerminal(question), env}),
    ...(stderr.isTTY ? {} : {tellTerminal: (text: string) => tellTerminal(text)}),
  }
  const noLogin = options.noLogin || env.KEYLESS_NO_LOGIN === '1' || env.KEYLESS_NO_LOGIN === 'true'
  const tokens = createTokenProvider(base, {noLogin, noBrowser: options.noBrowser, flow: options.flow})
  return {...base, tokens}
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
