/**
 * The one interface every secret backend implements. Values are opaque strings (callers store
 * JSON with the expiry inside). Keys are namespaced paths such as `token/<session>`; see keys.ts.
 */
export interface SecretStore {
  /** 'keychain' | 'file' | 'memory' — shown by `status`. */
  readonly kind: string
  /** A human description of where secrets live (no secret in it). */
  readonly description: string
  get(key: string): Promise<string | undefined>
  set(key: string, value: string): Promise<void>
  /** true when something was removed. */
  delete(key: string): Promise<boolean>
  /** Keys (not values) that start with prefix. */
  list(prefix: string): Promise<string[]>
}
