/**
 * Strings from the access portal (account names, account ids, role names) are network input: none
 * may put a line break, a control character or an SDK comment into the AWS config.
 */

/** Permission-set (role) names as AWS allows them: `[\w+=,.@-]`, 1 to 64 characters. */
const roleNamePattern = /^[\w+=,.@-]{1,64}$/
const accountIdPattern = /^\d{12}$/

/**
 * An account name as it can be written after `keyless_account_name =`: control and line-separator
 * characters become spaces, runs of whitespace one space, and no `#` or `;` is left where the SDKs
 * would take it for the start of a comment (at the start, or after whitespace: `Team #1` → `Team#1`).
 * Empty when nothing printable is left.
 */
export function portalValue(raw: string): string {
  return raw
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ (?=[#;])/g, '')
    .trim()
    .replace(/^[#;]+/, '')
    .trim()
}

/** Why a pair from the portal cannot be written to the config (an id or role name AWS never issues), or undefined. */
export function unusablePortalPair(pair: {accountId: string; roleName: string}): string | undefined {
  if (!accountIdPattern.test(pair.accountId)) return `the portal sent the account id ${JSON.stringify(pair.accountId)}, which is not 12 digits`
  if (!roleNamePattern.test(pair.roleName)) return `the portal sent the role name ${JSON.stringify(pair.roleName)}, with characters AWS does not allow`
  return undefined
}
