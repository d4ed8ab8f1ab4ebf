/** Namespaced keys for every secret keyless stores. One place, so nothing collides. */
export const storeKeys = {
  registration: (session: string) => `registration/${session}`,
  token: (session: string) => `token/${session}`,
  /** Prefix of every role credential of a session (logout deletes them all). */
  rolePrefix: (session: string) => `role/${session}/`,
  role: (session: string, accountId: string, roleName: string) => `role/${session}/${accountId}/${roleName}`,
  /** A chained role, keyed by a digest of the whole chain definition. */
  chain: (digest: string) => `chain/${digest}`,
  /** Long-lived key material moved off disk by `audit --fix`. */
  audit: (profile: string) => `audit/${profile}`,
} as const
