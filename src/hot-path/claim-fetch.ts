import {mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {processAlive} from '../util/process-alive.js'

export type Claim = 'claimed' | 'fetched-elsewhere' | 'gave-up'

export interface ClaimOptions {
  /** The credential lock (withLock's directory for this key): a fetch in progress holds it. */
  lockPath: string
  /** This process's claim marker for the same key. */
  claimPath: string
  /** Give up waiting after this long (the full path then waits on the lock itself). */
  timeoutMs: number
  intervalMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  pid?: number
  /** Runs `fn` when this process exits (the claim is released then). */
  onExit?: (fn: () => void) => void
}

const exists = (path: string) => {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

/** How long a claim may go without its pid file (it is written right after the directory). */
const unwrittenClaimMs = 2000

function holderAlive(claimPath: string, now: number): boolean {
  let text = ''
  try {
    text = readFileSync(join(claimPath, 'pid'), 'utf8')
  } catch {
    // no pid file yet
  }
  if (text !== '') return processAlive(Number(text))
  // Being written right now, or left by a process killed between the two steps.
  try {
    return now - statSync(claimPath).mtimeMs < unwrittenClaimMs
  } catch {
    return true
  }
}

/**
 * Decides, on a cache miss in the credential-process fast path, who fetches. Parallel callers all
 * start at once (Terraform), long before any of them reaches the credential lock deep in the full
 * path, so the first to create `claimPath` is the one that goes on to fetch ('claimed'; the claim
 * is released when that process exits, after the credentials are stored). The others wait here
 * until neither the claim nor the credential lock exists ('fetched-elsewhere': read the cache
 * again) instead of each loading oclif and the AWS SDK just to wait. 'gave-up': the claimer died,
 * or the wait outlived the timeout (a login in a browser can take minutes).
 */
export async function claimFetch(options: ClaimOptions): Promise<Claim> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  try {
    mkdirSync(options.claimPath, {recursive: false, mode: 0o700})
    writeFileSync(join(options.claimPath, 'pid'), String(options.pid ?? process.pid), {mode: 0o600})
    const release = () => rmSync(options.claimPath, {recursive: true, force: true})
    ;(options.onExit ?? ((fn) => process.once('exit', fn)))(release)
    return 'claimed'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return 'gave-up'
  }
  const deadline = now() + options.timeoutMs
  for (;;) {
    const claimed = exists(options.claimPath)
    if (claimed && !holderAlive(options.claimPath, now())) {
      rmSync(options.claimPath, {recursive: true, force: true})
      return 'gave-up'
    }
    if (!claimed && !exists(options.lockPath)) return 'fetched-elsewhere'
    if (now() >= deadline) return 'gave-up'
    await sleep(options.intervalMs ?? 20)
  }
}
