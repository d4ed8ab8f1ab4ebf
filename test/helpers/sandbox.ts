import {spawn, spawnSync, type ChildProcess, type SpawnOptions} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startEmulator, type Emulator} from '../emulator/emulator.js'

/** The repository root and the built CLI's entry point. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CLI_ENTRY = join(REPO_ROOT, 'bin', 'run.js')

export interface SandboxOptions {
  /** Secret store backend: 'keychain' (default, a private service name) or 'file' (encrypted file, fixed passphrase). */
  store?: 'keychain' | 'file'
  /** An emulator to use (not closed by cleanup), false for none; default a fresh landing-zone emulator (closed by cleanup). */
  emulator?: Emulator | false
  /** Initial ~/.aws/config text. */
  config?: string
}

export interface RunOptions {
  /** Merged over the sandbox env; a key set to undefined is removed. */
  env?: NodeJS.ProcessEnv
  /** Written to stdin, then stdin is closed (stdin is always closed). */
  input?: string
  /** Default 60 000; on timeout the process gets SIGKILL and the result has signal 'SIGKILL'. */
  timeoutMs?: number
}

export interface RunResult {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
}

export interface Sandbox {
  /** The temporary HOME; everything the CLI writes lives under it. */
  home: string
  env: NodeJS.ProcessEnv
  configFile: string
  credentialsFile: string
  /** Throws when the sandbox was created with `emulator: false`. */
  emulator: Emulator
  /** Runs `node bin/run.js ...args` (the built CLI) with the sandbox env, cwd = home. */
  run(args: string[], opts?: RunOptions): Promise<RunResult>
  /** Starts `node bin/run.js ...args` and returns the child (stdio piped unless opts.stdio says otherwise). */
  spawn(args: string[], opts?: {env?: NodeJS.ProcessEnv; stdio?: SpawnOptions['stdio']}): ChildProcess
  /** URLs the fake browser was asked to open, in order. */
  browserCalls(): string[]
  /** Replaces the AWS config file. */
  writeConfig(text: string): Promise<void>
  /** Kills children still running, closes an emulator it started, removes keychain items and HOME. */
  cleanup(): Promise<void>
}

/**
 * A throwaway user environment for running the built CLI: HOME, XDG dirs, TMPDIR, AWS config paths, the
 * emulator's endpoints, and BROWSER = a script that logs the URL and fetches it with curl (so
 * device approval and PKCE redirects complete without a person).
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const home = await mkdtemp(join(tmpdir(), 'keyless-sandbox-'))
  const ownEmulator = options.emulator === undefined
  const emulator = options.emulator === undefined ? await startEmulator() : options.emulator || undefined
  const configFile = join(home, '.aws', 'config')
  const credentialsFile = join(home, '.aws', 'credentials')
  const browserLog = join(home, 'browser.log')
  const browser = join(home, 'bin', 'fake-browser')
  await mkdir(join(home, '.aws'), {recursive: true})
  await mkdir(join(home, 'bin'))
  for (const dir of ['.config', '.cache', '.local/share', 'tmp']) await mkdir(join(home, dir), {recursive: true})
  await writeFile(browser,
    '#!/bin/sh\n' +
    '# keyless test sandbox: a "browser" that records the URL and loads it (following redirects).\n' +
    `printf '%s\\n' "$1" >> ${shellQuote(browserLog)}\n` +
    'curl -sfL "$1" >/dev/null\n' +
    'exit 0\n')
  await chmod(browser, 0o755)
  if (options.config !== undefined) await writeFile(configFile, options.config)

  const keychainService = `keyless-test-${randomBytes(6).toString('hex')}`
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    // Nothing of the parent's AWS or keyless setup leaks in.
    if (k.startsWith('AWS_') || k.startsWith('KEYLESS_') || k.startsWith('XDG_') || k === 'BROWSER') continue
    env[k] = v
  }
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    // The CLI's temp files land under HOME too, so one grep of HOME covers them.
    TMPDIR: join(home, 'tmp'),
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    BROWSER: browser,
    NO_COLOR: '1',
    ...(emulator ? emulator.env : {}),
  })
  if (options.store === 'file') {
    env.KEYLESS_STORE = 'file'
    env.KEYLESS_FILE_PASSPHRASE = `sandbox-passphrase-${randomBytes(8).toString('hex')}`
  } else {
    env.KEYLESS_STORE = 'keychain'
    env.KEYLESS_KEYCHAIN_SERVICE = keychainService
  }
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]

  const children = new Set<ChildProcess>()
  const childEnv = (extra?: NodeJS.ProcessEnv) => {
    const merged: NodeJS.ProcessEnv = {...env, ...extra}
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k]
    return merged
  }
  const spawnCli = (args: string[], opts: {env?: NodeJS.ProcessEnv; stdio?: SpawnOptions['stdio']} = {}) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {cwd: home, env: childEnv(opts.env), stdio: opts.stdio ?? 'pipe'})
    children.add(child)
    child.once('exit', () => children.delete(child))
    return child
  }

  return {
    home,
    env,
    configFile,
    credentialsFile,
    get emulator(): Emulator {
      if (!emulator) throw new Error('this sandbox was created with emulator: false')
      return emulator
    },
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawnCli(args, {env: opts.env})
        let stdout = ''
        let stderr = ''
        child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
        child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
        child.once('error', (error) => {
          clearTimeout(timer)
          reject(error)
        })
        child.once('close', (code, signal) => {
          clearTimeout(timer)
          resolve({code, signal, stdout, stderr})
        })
        child.stdin?.on('error', () => {})
        child.stdin?.end(opts.input ?? '')
      })
    },
    spawn: spawnCli,
    browserCalls() {
      return existsSync(browserLog) ? readFileSync(browserLog, 'utf8').split('\n').filter(Boolean) : []
    },
    async writeConfig(text) {
      await writeFile(configFile, text)
    },
    async cleanup() {
      for (const child of children) child.kill('SIGKILL')
      if (ownEmulator && emulator) await emulator.close()
      if (options.store !== 'file') {
        // Best effort: drop this sandbox's items from the shared test keyring.
        spawnSync('secret-tool', ['clear', 'service', keychainService], {stdio: 'ignore', timeout: 5000})
      }
      await rm(home, {recursive: true, force: true})
    },
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`
}

