import {createRequire} from 'node:module'
import type {AsyncEntry, EntryOptions} from '@napi-rs/keyring'
import {KeylessError, StoreUnavailableError} from '../errors.js'
import {chunkedStore} from './chunked-store.js'
import {probeSessionBus} from './probe-session-bus.js'
import type {SecretStore} from './secret-store.js'
import {secretServicePlatforms} from './store-choice.js'

/** The parts of @napi-rs/keyring the store uses. */
export type KeyringBinding = Pick<typeof import('@napi-rs/keyring'), 'AsyncEntry' | 'findCredentialsAsync'>

export interface KeychainStoreOptions {
  /** The keychain service name every item is filed under (KEYLESS_KEYCHAIN_SERVICE, default keyless). */
  service: string
  platform?: NodeJS.Platform
  /** Upper bound on every keychain call; default 10 s. */
  timeoutMs?: number
  /** DBUS_SESSION_BUS_ADDRESS, checked for a silent bus before the first call (Linux and BSD). */
  dbusAddress?: string
  /** The native binding; default: @napi-rs/keyring, loaded on first use. */
  binding?: KeyringBinding
  /**
   * Values longer than this (UTF-16 code units) are split over several items (chunked-store.ts).
   * Default: keychainChunkChars(platform). KEYLESS_KEYCHAIN_CHUNK_CHARS sets it (see open-store.ts).
   */
  chunkChars?: number
}

/**
 * The longest value one keychain item takes. Windows Credential Manager refuses a secret over
 * CRED_MAX_CREDENTIAL_BLOB_SIZE = 2,560 bytes, and the binding stores UTF-16: 1,280 characters
 * (verified under wine: 1,280 stored, 1,281 refused). The Secret Service and the macOS Keychain
 * take far more than keyless ever stores.
 */
export function keychainChunkChars(platform: NodeJS.Platform): number {
  return platform === 'win32' ? 1280 : Number.POSITIVE_INFINITY
}

const DEFAULT_TIMEOUT_MS = 10_000
const PROBE_TIMEOUT_MS = 3_000

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and on
 * Linux the Secret Service (gnome-keyring, KWallet, KeePassXC), pinned there: the binding's default
 * silently falls back to the kernel keyring, which forgets everything at reboot. One item per key:
 * service = options.service, account = the store key; a value over the platform's item limit is
 * split over several items (chunked-store.ts).
 *
 * Every call is asynchronous (the binding's AsyncEntry runs on the libuv pool) and bounded by
 * timeoutMs; any failure to reach the keychain is a StoreUnavailableError, one line naming
 * KEYLESS_STORE=file. The binding loads on first use, with require (a cheaper path than import()).
 */
export function createKeychainStore(options: KeychainStoreOptions): SecretStore {
  const platform = options.platform ?? process.platform
  const service = options.service
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const where = keychainName(platform)
  const usesDbus = secretServicePlatforms.includes(platform)
  const entryOptions: EntryOptions | undefined = platform === 'linux' ? {linux: {store: 'secret-service'}} : undefined
  let ready: Promise<KeyringBinding> | undefined

  const load = (): Promise<KeyringBinding> => {
    ready ??= (async () => {
      // Start the bus check first: its round trip overlaps loading the native module.
      const probe = usesDbus ? probeSessionBus(options.dbusAddress, Math.min(PROBE_TIMEOUT_MS, timeoutMs)) : undefined
      let keyring: KeyringBinding
      try {
        keyring = options.binding ?? (createRequire(import.meta.url)('@napi-rs/keyring') as KeyringBinding)
      } catch (error) {
        await probe
        throw new StoreUnavailableError(`Cannot load the OS keychain module (${oneLine(error)}).`, error)
      }
      if ((await probe) === 'timeout') {
        throw new StoreUnavailableError(`Cannot use the OS keychain (${where}): the D-Bus session bus did not answer.`)
      }
      return keyring
    })()
    return ready
  }

  /** Runs one keychain operation, bounded by timeoutMs, with every failure made one clear line. */
  async function call<T>(action: string, run: (keyring: KeyringBinding, signal: AbortSignal) => Promise<T>): Promise<T> {
    const keyring = await load()
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        const seconds = timeoutMs / 1000
        const after = Number.isInteger(seconds) ? seconds : seconds.toFixed(1)
        reject(new StoreUnavailableError(`Cannot ${action} the OS keychain (${where}): no answer within ${after} s.`))
      }, timeoutMs)
    })
    try {
      return await Promise.race([run(keyring, controller.signal), timeout])
    } catch (error) {
      throw toStoreError(action, where, error)
    } finally {
      clearTimeout(timer)
    }
  }

  // Each entry holds its own connection to the keychain (about 5 ms to open on the Secret Service):
  // reuse it when a process reads and then writes the same key.
  const entries = new Map<string, AsyncEntry>()
  const entry = (keyring: KeyringBinding, key: string): AsyncEntry => {
    let found = entries.get(key)
    if (!found) {
      found = new keyring.AsyncEntry(service, key, entryOptions)
      entries.set(key, found)
    }
    return found
  }

  /**
   * Windows: an item's target name is `ACCOUNT.SERVICE`, and the binding's own search filter
   * (`*.SERVICE`) has its asterisk first, which CredEnumerate documents only at the end (wine
   * matches nothing with it). So search `PREFIX*` (every service's items under those accounts),
   * and keep the accounts this service has an item for.
   */
  async function listWindows(prefix: string): Promise<string[]> {
    const found = await call('search', (keyring, signal) => keyring.findCredentialsAsync(service, `${prefix}*`, signal))
    const accounts = [...new Set(found.map((c) => c.account).filter((account) => account.startsWith(prefix)))].sort()
    const mine: string[] = []
    for (const account of accounts) {
      const value = await call('read from', (keyring, signal) => entry(keyring, account).getPassword(signal))
      if (value !== null && value !== undefined) mine.push(account)
    }
    return mine
  }

  const raw: SecretStore = {
    kind: 'keychain',
    description: `${where}, service "${service}"`,
    async get(key) {
      const value = await call('read from', (keyring, signal) => entry(keyring, key).getPassword(signal))
      return value ?? undefined
    },
    async set(key, value) {
      await call('write to', (keyring, signal) => entry(keyring, key).setPassword(value, signal))
    },
    async delete(key) {
      return call('delete from', (keyring, signal) => entry(keyring, key).deleteCredential(signal))
    },
    async list(prefix) {
      // findCredentials talks to the Secret Service itself on Linux (it never falls back to the
      // kernel keyring); it returns the secrets too, which we drop at once.
      if (platform === 'win32') return listWindows(prefix)
      const found = await call('search', (keyring, signal) => keyring.findCredentialsAsync(service, undefined, signal))
      return [...new Set(found.map((c) => c.account).filter((account) => account.startsWith(prefix)))].sort()
    },
  }
  return chunkedStore(raw, {chunkChars: options.chunkChars ?? keychainChunkChars(platform)})
}

function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain'
  if (platform === 'win32') return 'Windows Credential Manager'
  return 'Secret Service'
}

/** The binding's errors, as one line that says what failed. */
export function toStoreError(action: string, where: string, error: unknown): KeylessError {
  if (error instanceof KeylessError) return error
  const raw = oneLine(error)
    .replace(/^Platform failure:\s*/i, '')
    .replace(/^Couldn't access platform storage:\s*/i, '')
  const reason = explain(raw)
  if (reason === undefined) {
    return new KeylessError(`Cannot ${action} the OS keychain (${where}): ${raw}.`, {code: 'StoreError', cause: error})
  }
  return new StoreUnavailableError(`Cannot ${action} the OS keychain (${where}): ${reason}.`, error)
}

function explain(raw: string): string | undefined {
  if (/autolaunch|DBUS_SESSION_BUS_ADDRESS/i.test(raw)) return 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)'
  if (/Failed to connect to (socket|address)|Connection refused|No such file or directory/i.test(raw)) {
    return `cannot connect to the D-Bus session bus (${raw.replace(/^.*?(Failed to connect)/i, '$1')})`
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|No DBus session or Secret Service|no secret service provider/i.test(raw)) {
    return 'no Secret Service on the session bus (start gnome-keyring, KWallet or KeePassXC)'
  }
  // An unresponsive keyring first: D-Bus's "did not receive a reply" text says "…policy blocked the reply".
  if (/Did not receive a reply|timed? ?out|disconnected|NoReply/i.test(raw)) return `the Secret Service did not answer (${raw})`
  if (/prompt was dismissed|prompt dismissed/i.test(raw)) return 'the keyring is locked and the unlock prompt was dismissed'
  if (/IsLocked|\b(?:is )?locked\b/i.test(raw)) return 'the keyring is locked'
  if (/no result found/i.test(raw)) return 'the Secret Service has no default keyring to store into'
  if (/AbortError|aborted/i.test(raw)) return 'the call was cancelled'
  if (/ambiguous|too long|longer than|encoding|not supported/i.test(raw)) return undefined
  return raw
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s+/g, ' ').trim().replace(/\.$/, '')
}
