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
  /** Written and deleted right before a browser sign-in, to find a store that cannot be written before the user signs in. */
  probe: (session: string) => `probe/${session}`,
  /** The agent's client, control and grant keys (src/agent/agent-keys.ts). */
  agent: 'agent/keys',
} as const
