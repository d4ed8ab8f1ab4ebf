// The credential-process hot path. Every AWS CLI call and SDK start runs `keyless credential-process`,
// so a cache hit is served here, before oclif or the AWS SDK load: readCachedCredentials (the flow
// a resident agent shares), a short wait when another process is fetching the same key, print.
// Anything unusual (an unknown flag, a config problem, a miss, credentials inside the 15-minute
// window, a store error) returns false, and the full oclif command handles the call and reports
// errors properly. Static imports stay few and small (each ESM module costs about a millisecond
// here): no oclif, no AWS SDK, no prompts, no node:crypto unless the profile is a role chain.
import {mkdirSync} from 'node:fs'
import {toProcessJson} from '../credentials/credential-types.js'
import type {SecretStore} from '../store/secret-store.js'
import {resolvePaths, type Paths} from '../util/paths.js'
import {readCachedCredentials} from './read-cached-credentials.js'

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
    const deps = {now: options.now ?? Date.now, ...(options.openStore ? {openStore: options.openStore} : {})}
    let read = await readCachedCredentials(name, env, paths, deps)
    if (!read) return false
    if (!read.credentials) {
      // Parallel callers (Terraform starts many at once): one goes on to fetch through the full
      // path, the others wait for it here instead of each loading oclif and the SDK to wait there.
      const [{claimFetch}, {lockPath}, {lockName}] = await Promise.all([
        import('./claim-fetch.js'),
        import('../lock/with-lock.js'),
        import('../lock/lock-name.js'),
      ])
      mkdirSync(paths.lockDir, {recursive: true, mode: 0o700})
      const lock = lockName('credentials', read.key)
      const claim = await claimFetch({
        lockPath: lockPath(paths.lockDir, lock),
        claimPath: lockPath(paths.lockDir, `${lock}.claim`),
        timeoutMs: options.waitMs ?? 10_000,
      })
      if (claim === 'fetched-elsewhere') read = await readCachedCredentials(name, env, paths, deps)
    }
    if (!read?.credentials) return false
    json = toProcessJson(read.credentials)
  } catch {
    // Any failure here (a store that does not answer, no Secret Service on the bus, a deadline)
    // is the full path's to handle and report.
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
