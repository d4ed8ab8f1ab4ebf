// The unit everything else is keyed by: one Identity Center account and one role in it, reached
// through one sso-session. A leaf module (it imports nothing) so every layer can name a pair.

/** One account/role pair the user may use. */
export interface AccountRolePair {
  session: string
  accountId: string
  accountName: string
  roleName: string
}

/** The key of a pair in maps and lookups: `session/accountId/roleName`. */
export const pairKey = (p: Pick<AccountRolePair, 'session' | 'accountId' | 'roleName'>): string => `${p.session}/${p.accountId}/${p.roleName}`
