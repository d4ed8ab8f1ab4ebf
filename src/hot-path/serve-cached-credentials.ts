// The credential-process hot path. Every AWS CLI call and SDK start runs `keyless credential-process`,
// so a cache hit is served here, before oclif or the AWS SDK load: read the config with keyless's
// own small parser, work out the profile's cache key, read the secret store, print.
// Anything unusual (an unknown flag, a config problem, a miss, credentials inside the 15-minute
// window, a store error) returns false, and the full oclif command handles the call and reports
// errors properly. Static imports stay few and small (each ESM module costs about a millisecond
// here): no oclif, no AWS SDK, no prompts, no node:crypto unless the profile is a role chain.
import {mkdirSync} from 'node:fs'
import {CHUNK_HEAD_PREFIX, storeKeys} from '../store/keys.js'
import type {SecretStore} from '../store/secret-store.js'
import {resolvePaths, type Paths} from '../util/paths.js'
import {toProcessJson} from '../credentials/credential-types.js'
import {fastCredentialSpec} from './fast-credential-spec.js'
import {readAwsConfigSync} from '../config/read-aws-config-sync.js'
import {hasTimeLeft, parseStoredCredentials} from '../credentials/stored-credentials.js'

export interface ServeOptions {
  now?: () => number
  openStore?: (env: NodeJS.ProcessEnv, paths: Paths) => Promise<SecretStore>
  stdout?: {write(text: string, callback: (error?: Error | null) => void): unknown}
  /** How long a miss waits for another process's fetch of the same credentials (default 10 s). */
  waitMs?: number
}

/** Serves a cache hit for `credential-process` argv; true when it printed the credentials. */
export async function serveCachedCredentials(argv: string[], env: NodeJS.ProcessEnv, options: ServeOptions = {}): Promise<boolean> {
  const name = profileArgument(argv)
  if (name === undefined) return false
  let json: string
  try {
    const paths = resolvePaths(env)
    const config = readAwsConfigSync(paths)
    if (!config) return false
    const spec = fastCredentialSpec(config, name, env)
    if (!spec || spec.kind === 'static' || spec.kind === 'environment') return false
    const key =
      spec.kind === 'sso'
        ? storeKeys.role(spec.session, spec.accountId, spec.roleName)
        : (await import('../credentials/credential-key.js')).credentialKey(spec)
    if (key === undefined) return false
    // A file store without its passphrase in the environment would prompt: the full path does that.
    if (env.KEYLESS_STORE?.trim() === 'file' && !env.KEYLESS_FILE_PASSPHRASE) return false
    const read = await storeReader(env, paths, options)
    const now = options.now ?? Date.now
    const fresh = async () => {
      const credentials = parseStoredCredentials(await read(key))
      return credentials && hasTimeLeft(credentials, now()) ? credentials : undefined
    }
    let credentials = await fresh()
    if (!credentials) {
      // Parallel callers (Terraform starts many at once): one goes on to fetch through the full
      // path, the others wait for it here instead of each loading oclif and the SDK to wait there.
      const [{claimFetch}, {lockPath}, {lockName}] = await Promise.all([
        import('./claim-fetch.js'),
        import('../lock/with-lock.js'),
        import('../credentials/cached.js'),
      ])
      mkdirSync(paths.lockDir, {recursive: true, mode: 0o700})
      const name = lockName(key)
      const claim = await claimFetch({
        lockPath: lockPath(paths.lockDir, name),
        claimPath: lockPath(paths.lockDir, `${name}.claim`),
        timeoutMs: options.waitMs ?? 10_000,
      })
      if (claim === 'fetched-elsewhere') credentials = await fresh()
    }
    if (!credentials) return false
    json = toProcessJson(credentials)
  } catch {
    return false
  }
  // From here on the call is ours: never fall through after output may have started.
  const stdout = options.stdout ?? process.stdout
  await new Promise<void>((resolve) => {
    stdout.write(json, () => resolve())
  })
  return true
}

/**
 * Reads one store item. The Linux keychain (the Secret Service) is read over D-Bus directly, with a
 * deadline (the native keyring module costs about 12 ms to load and connect); elsewhere, and for
 * the encrypted file store, the store itself.
 */
async function storeReader(env: NodeJS.ProcessEnv, paths: Paths, options: ServeOptions): Promise<(key: string) => Promise<string | undefined>> {
  const kind = env.KEYLESS_STORE?.trim() || 'keychain'
  const secretService = ['linux', 'freebsd', 'openbsd'].includes(process.platform)
  if (!options.openStore && kind === 'keychain' && secretService && env.DBUS_SESSION_BUS_ADDRESS) {
    const {lookupSecretService, lookupSecretServiceItems} = await import('../store/secret-service/lookup-secret-service.js')
    const address = env.DBUS_SESSION_BUS_ADDRESS
    // The attributes @napi-rs/keyring files an item under (see store/keychain-store.ts).
    const service = env.KEYLESS_KEYCHAIN_SERVICE || 'keyless'
    return async (key) => {
      const value = await lookupSecretService({address, attributes: {service, username: key}})
      if (value === undefined || !value.startsWith(CHUNK_HEAD_PREFIX)) return value
      // A value the keychain store split (store/chunked-store.ts): its chunks, in one more round trip.
      const {readChunkedValue} = await import('../store/chunked-store.js')
      return readChunkedValue(key, value, (keys) =>
        lookupSecretServiceItems({address, attributeSets: keys.map((username) => ({service, username}))}),
      )
    }
  }
  const open = options.openStore ?? (await import('../store/open-store.js')).openStore
  const store = await open(env, paths)
  return (key) => store.get(key)
}

/**
 * The profile name of `--profile NAME` / `--profile=NAME` / `-p NAME`, with at most `--no-login` beside it
 * (irrelevant to a cache hit). Anything else goes to oclif, which knows every flag.
 */
function profileArgument(argv: string[]): string | undefined {
  let name: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--no-login') continue
    if ((arg === '--profile' || arg === '-p') && name === undefined && i + 1 < argv.length) name = argv[++i]
    else if (arg.startsWith('--profile=') && name === undefined) name = arg.slice('--profile='.length)
    else return undefined
  }
  return name && !name.startsWith('-') ? name : undefined
}
