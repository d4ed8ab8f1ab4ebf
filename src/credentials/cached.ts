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
}

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
    return lock(lockName('credentials', key), async () => {
      const current = await store.get(key)
      const again = parseStoredCredentials(current)
      // Fresh by the window; or written by another process while we waited (short-lived roles
      // never pass the window, but one fetch per wave of callers is still the point).
      if (again && (hasTimeLeft(again, now(), windowMs) || (current !== seen && hasTimeLeft(again, now(), 5_000)))) {
        return again
      }
      const fresh = await provider()
      try {
        await store.set(key, serializeCredentials(fresh))
      } catch (error) {
        options.warn?.(`could not cache credentials (${(error as Error).message?.split('\n')[0] ?? 'store error'}); the next call fetches again.`)
      }
      return fresh
    })
  }
}
