/** Namespaced keys for every secret keyless stores. One place, so nothing collides. */
export const storeKeys = {
  registration: (session: string) => `registration/${session}`,
  token: (session: string) => `token/${session}`,
  /** Prefix of every role credential of a session (logout deletes them all). */
  rolePrefix: (session: string) => `role/${session}/`,
  role: (session: string, accountId: string, roleName: string) => `role/${session}/${accountId}/${roleName}`,
  /** A chained role, filed under the session it starts from ('static' for access keys) and keyed by a digest of the chain. */
  chain: (session: string, digest: string) => `chain/${session}/${digest}`,
  /** Prefix of every chained role that starts from a session (`chain/<session>/<digest>`). */
  chainPrefix: (session: string) => `chain/${session}/`,
  /** Long-lived key material moved off disk by `audit --fix`. */
  audit: (profile: string) => `audit/${profile}`,
  /** An IAM user's long-lived key kept by `audit --fix --keep` (`keyless_stored_key = NAME`); never handed out. */
  userKey: (name: string) => `user-key/${name}`,
  /** The GetSessionToken credentials of a stored key, with or without MFA. */
  userSession: (name: string, mfa: boolean) => `user-session/${name}/${mfa ? 'mfa' : 'plain'}`,
  /** Prefix of every session of a stored key. */
  userSessionPrefix: (name: string) => `user-session/${name}/`,
  /** Chunk INDEX (1…n) of a value the keychain store split (see chunked-store.ts); VERSION names one write. */
  chunk: (key: string, version: string, index: number) => `${key}#chunk-${version}-${index}`,
  /** Written and deleted right before a browser sign-in, to find a store that cannot be written before the user signs in. */
  probe: (session: string) => `probe/${session}`,
  /** The agent's client, control and grant keys (src/agent/agent-keys.ts). */
  agent: 'agent/keys',
} as const

/**
 * How a chunked value's head item begins (see chunked-store.ts). Here, not there, so the
 * credential-process hot path can recognise a head without loading the chunk code.
 */
export const CHUNK_HEAD_PREFIX = 'keyless-chunked/1 '
