/** What a lock serializes: the fetch of one stored credential, or the sign-in/refresh of one session. */
export type LockScope = 'credentials' | 'sso-session'

/**
 * The one lock name for a scope and an id (a store key, a session name): file-name-safe and
 * injective (lockPath adds a digest anyway). The credential-process hot path computes the same
 * name to wait for a fetch in progress, so this module stays small.
 */
export function lockName(scope: LockScope, id: string): string {
  const encoded = encodeURIComponent(id).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${scope}-${encoded}`
}
