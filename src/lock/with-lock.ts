import {createHash, randomBytes} from 'node:crypto'
import {mkdir, readFile, rm, rmdir, stat, utimes, writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {realSleep} from '../deps.js'
import {KeylessError} from '../errors.js'
import {processAlive} from '../util/process-alive.js'

/**
 * A cross-process exclusive lock per name, for single flight across parallel keyless processes
 * (Terraform starts dozens of `credential-process` at once).
 *
 * The pattern every caller uses (check, lock, check again, fetch):
 *
 *     const cached = await readCache()                  // 1. the fast path takes no lock
 *     if (cached) return cached
 *     return withLock(name, async () => {
 *       const again = await readCache()                 // 2. someone may have fetched it while
 *       if (again) return again                         //    we waited for the lock: look again
 *       const fresh = await fetch()                     // 3. only now do the expensive thing,
 *       await writeCache(fresh)                         //    and store it before unlocking
 *       return fresh
 *     }, {dir: paths.lockDir})
 *
 * Combine it with an in-process map of promises when one process may ask twice at once: the lock
 * is not reentrant, and a second withLock for the same name in the same process waits like any
 * other process would.
 *
 * How it works: the lock is a directory `<dir>/<name>-<hash>.lock` made with mkdir (atomic on every
 * local filesystem), holding `owner.json` (pid, host, a random token, since). The holder touches
 * the directory's mtime every staleMs/3. A waiter treats the lock as stale, and breaks it, when
 * its holder on this host is no longer running (a kill -9 is recovered at once) or when it has not
 * been touched for staleMs (a holder on another host, or a frozen one). Breaking happens under a
 * second short-lived lock (`.break`) with a fresh look inside, so two waiters never both break and
 * re-take it. The lock is released by removing the directory, only if the token is still ours.
 */
export interface LockOptions {
  /** Where lock directories live (created 0700). */
  dir: string
  /**
   * Give up waiting after this long (default 60 s) with a KeylessError; sooner when the holder
   * declared how long it can take (its `holdMs`) and that has passed.
   */
  timeoutMs?: number
  /**
   * The longest this process can hold the lock (its own bounded worst case), recorded for waiters:
   * a waiter never waits longer than the holder could take (plus the stale margin).
   */
  holdMs?: number
  /** A lock not touched for this long is stale (default 30 s). */
  staleMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  /** Called once when the lock is busy and we start waiting, e.g. to tell the user why. */
  onWait?: (holder: LockOwner | undefined) => void
}

/** Runs `fn` while holding the cross-process lock `name` (withLock with its options bound; a fake in tests). */
export type LockRunner = <T>(name: string, fn: () => Promise<T>) => Promise<T>

/** What a lock directory says about its holder. */
export interface LockOwner {
  pid: number
  host: string
  token: string
  /** Epoch milliseconds when it was taken. */
  since: number
  /** How long the holder said it can take at most. */
  holdMs?: number
}

const DEFAULT_TIMEOUT_MS = 60_000
const DEFAULT_STALE_MS = 30_000
const BREAKER_STALE_MS = 5_000
const OWNER_FILE = 'owner.json'

interface LockState {
  owner?: LockOwner
  mtimeMs: number
}

/** Runs fn while holding the named cross-process lock; always releases it. */
export async function withLock<T>(name: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS
  const path = lockPath(options.dir, name)
  const owner: LockOwner = {pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex'), since: now(), ...(options.holdMs ? {holdMs: options.holdMs} : {})}

  await mkdir(options.dir, {recursive: true, mode: 0o700})
  const waitingSince = now()
  const deadline = waitingSince + timeoutMs
  let delay = 10
  let told = false
  for (;;) {
    owner.since = now() // the holder's bound counts from when it holds the lock
    if (await tryAcquire(path, owner, options.dir)) break
    const state = await inspect(path)
    if (!state) continue // released between our mkdir and our look: try again at once
    if (isStale(state, now(), staleMs)) {
      if (await breakStale(path, now, staleMs)) continue
    }
    const until = waitUntil(deadline, state.owner, staleMs)
    if (now() >= until) throw lockTimeout(name, path, until - waitingSince, state.owner)
    if (!told) {
      told = true
      options.onWait?.(state.owner)
    }
    await sleep(Math.max(1, Math.min(delay + Math.random() * delay, until - now())))
    delay = Math.min(delay * 1.5, 200)
  }

  // Keep the lock fresh while fn runs, so nobody mistakes a long login for a dead holder.
  const heartbeat = setInterval(() => {
    const t = new Date(now())
    utimes(path, t, t).catch(() => {})
  }, Math.max(100, Math.floor(staleMs / 3)))
  heartbeat.unref()
  try {
    return await fn()
  } finally {
    clearInterval(heartbeat)
    await release(path, owner.token)
  }
}

/** The lock directory for a name: readable, filesystem-safe and collision-free. */
export function lockPath(dir: string, name: string): string {
  const slug = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80)
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 10)
  return join(dir, `${slug}-${digest}.lock`)
}

async function tryAcquire(path: string, owner: LockOwner, dir: string): Promise<boolean> {
  try {
    await mkdir(path, {mode: 0o700})
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code === 'ENOENT') {
      await mkdir(dir, {recursive: true, mode: 0o700})
      return false
    }
    throw lockError(path, error)
  }
  try {
    await writeFile(join(path, OWNER_FILE), JSON.stringify(owner), {mode: 0o600})
  } catch (error) {
    // ENOENT: someone removed our fresh directory (it can only look stale by a clock jump): retry.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    await rm(path, {recursive: true, force: true}).catch(() => {})
    throw lockError(path, error)
  }
  return true
}

async function inspect(path: string): Promise<LockState | undefined> {
  let mtimeMs: number
  try {
    mtimeMs = (await stat(path)).mtimeMs
  } catch {
    return undefined
  }
  let owner: LockOwner | undefined
  try {
    const parsed = JSON.parse(await readFile(join(path, OWNER_FILE), 'utf8')) as Partial<LockOwner>
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
      owner = {pid: parsed.pid, host: parsed.host, token: parsed.token, since: Number(parsed.since) || 0}
      if (typeof parsed.holdMs === 'number' && parsed.holdMs > 0) owner.holdMs = parsed.holdMs
    }
  } catch {
    // Being written right now, or left half-made by a crash: the mtime decides.
  }
  return {owner, mtimeMs}
}

/** The waiter's deadline: its own, or sooner when the holder's declared worst case (and a stale margin) has passed. */
function waitUntil(deadline: number, owner: LockOwner | undefined, staleMs: number): number {
  return owner?.holdMs ? Math.min(deadline, owner.since + owner.holdMs + staleMs) : deadline
}

function isStale(state: LockState, now: number, staleMs: number): boolean {
  if (state.owner && state.owner.host === hostname() && !processAlive(state.owner.pid)) return true
  return now - state.mtimeMs > staleMs
}

/** Removes a stale lock under the breaker lock, after a second look. true when it was removed. */
async function breakStale(path: string, now: () => number, staleMs: number): Promise<boolean> {
  const breaker = `${path}.break`
  try {
    await mkdir(breaker, {mode: 0o700})
  } catch {
    // Someone else is breaking it right now, or died doing so (then clear their breaker).
    const since = await stat(breaker).then((s) => s.mtimeMs, () => undefined)
    if (since !== undefined && now() - since > BREAKER_STALE_MS) await rmdir(breaker).catch(() => {})
    return false
  }
  try {
    const state = await inspect(path)
    if (!state) return true
    if (!isStale(state, now(), staleMs)) return false
    await rm(path, {recursive: true, force: true})
    return true
  } finally {
    await rmdir(breaker).catch(() => {})
  }
}

async function release(path: string, token: string): Promise<void> {
  const state = await inspect(path)
  // Not ours any more (it went stale and was broken): leave the new holder alone.
  if (state?.owner?.token !== token) return
  await rm(path, {recursive: true, force: true}).catch(() => {})
}

function lockTimeout(name: string, path: string, timeoutMs: number, owner: LockOwner | undefined): KeylessError {
  const holder = owner
    ? ` held by process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`} since ${new Date(owner.since).toISOString()}`
    : ''
  const seconds = Math.round(timeoutMs / 100) / 10
  const budget = owner?.holdMs ? `, which said it would take at most ${Math.round(owner.holdMs / 1000)} s` : ''
  return new KeylessError(`Timed out after ${seconds} s waiting for the lock "${name}"${holder}${budget}.`, {
    code: 'LockTimeout',
    hint: `If no other keyless process is running, remove ${path} and try again.`,
  })
}

function lockError(path: string, error: unknown): KeylessError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
  return new KeylessError(`Cannot create the lock ${path} (${reason}).`, {
    code: 'LockError',
    hint: 'Check that the directory is writable.',
    cause: error,
  })
}
