import {KeylessError} from '../errors.js'
import type {FailureRecord} from '../lock/failure-record.js'
import {lockName} from '../lock/lock-name.js'
import type {LockRunner} from '../lock/with-lock.js'
import type {SecretStore} from '../store/secret-store.js'
import type {AwsCredentials} from './credential-types.js'
import {hasTimeLeft, parseStoredCredentials, reuseWindowMs, serializeCredentials} from './stored-credentials.js'

/** Produces credentials; providers compose (a cached provider wraps an SSO or AssumeRole provider). */
export type CredentialProvider = () => Promise<AwsCredentials>

export interface CacheOptions {
  store: SecretStore
  /** Secret-store key of this credential. */
  key: string
  now: () => number
  /** Reuse while more than this remains (default 15 minutes). */
  windowMs?: number
  /** Single flight across processes: the fetch runs under this lock, named after the key. */
  lock: LockRunner
  /** Told (without any secret) when the fresh credentials could not be written back. */
  warn?: (message: string) => void
  /**
   * Where a failed fetch is recorded for the callers waiting on the same lock: each of them fails
   * with it (exit code and all) instead of running the whole retry sequence again in turn.
   */
  failures?: FailureRecord
  /** When this caller started waiting for these credentials (default: when the provider is called); earlier failures are not shared. */
  since?: number
}

/** A recorded failure is shared only while it is this fresh (a long-running caller such as exec --server tries again after). */
export const sharedFailureMaxAgeMs = 30_000

/**
 * Serves `provider`'s credentials from the secret store while more than the window remains.
 * On a miss it takes the lock, looks again (another process may have fetched meanwhile: then its
 * result is used), and only then calls the provider and stores the result. An unreadable item is
 * a miss and is replaced.
 */
export function cached(provider: CredentialProvider, options: CacheOptions): CredentialProvider {
  const {store, key, now, lock} = options
  const windowMs = options.windowMs ?? reuseWindowMs
  return async () => {
    const seen = await store.get(key)
    const hit = parseStoredCredentials(seen)
    if (hit && hasTimeLeft(hit, now(), windowMs)) return hit
    const since = Math.min(options.since ?? Number.POSITIVE_INFINITY, now())
    return lock(lockName('credentials', key), async () => {
      const current = await store.get(key)
      const again = parseStoredCredentials(current)
      // Fresh by the window; or written by another process while we waited (short-lived roles
      // never pass the window, but one fetch per wave of callers is still the point).
      if (again && (hasTimeLeft(again, now(), windowMs) || (current !== seen && hasTimeLeft(again, now(), 5_000)))) {
        return again
      }
      // The process we waited for just failed (throttled, unreachable, denied): share its outcome.
      const failed = await options.failures?.read()
      if (failed && failed.at > since && now() - failed.at < sharedFailureMaxAgeMs) {
        throw new KeylessError(`${failed.message.replace(/\.$/, '')} (the fetch another keyless process just made).`, {code: failed.code, exit: failed.exit, hint: failed.hint})
      }
      let fresh: AwsCredentials
      try {
        fresh = await provider()
      } catch (error) {
        // "Sign in first" is the holder's own limit (--no-login, the agent's quiet refresh), not the
        // service's answer: a waiter that may open the browser signs in instead of failing with it.
        if (error instanceof KeylessError && error.code !== 'LoginRequired') {
          await options.failures?.write({at: now(), message: error.message, exit: error.exit, code: error.code, hint: error.hint})
        }
        throw error
      }
      await options.failures?.clear()
      if (fresh.expiresAt <= now()) {
        // AWS just issued them, so they cannot be expired: this machine's clock is ahead.
        const minutes = Math.max(1, Math.round((now() - fresh.expiresAt) / 60_000))
        options.warn?.(
          `the credentials AWS just issued expired ${minutes} minute(s) ago by this machine's clock (${new Date(fresh.expiresAt).toISOString()}): the clock is at least that far ahead. AWS tools will reject them and keyless fetches again on every call; fix the system time (e.g. timedatectl set-ntp true).`,
        )
      }
      try {
        await store.set(key, serializeCredentials(fresh))
      } catch (error) {
        options.warn?.(`could not cache credentials (${(error as Error).message?.split('\n')[0] ?? 'store error'}); the next call fetches again.`)
      }
      return fresh
    })
  }
}
