import {UsageError} from '../errors.js'
import type {AccountRolePair} from '../config/account-role-pair.js'

/** The default `keyless_profile_template`: `workload-prod.AdministratorAccess`. */
export const defaultProfileTemplate = '{account_name}.{role_name}'

const placeholders = ['session', 'account_id', 'account_name', 'role_name'] as const
type Placeholder = (typeof placeholders)[number]

/**
 * Profile names keyless writes: the characters the AWS SDKs accept in a `[profile NAME]` header
 * (`[\w\-@+.%:/]`) minus `%` and `:`, so that a name is also safe unquoted in a shell command line
 * (credential_process) and in `export AWS_PROFILE=…`.
 */
export const profileNamePattern = /^[A-Za-z0-9_.@+/-]+$/

/** A UsageError unless every `{…}` of the template is a known placeholder (and braces balance). */
export function validateTemplate(template: string): string {
  const value = template.trim()
  if (value === '') throw new UsageError('The profile name template is empty.', `Use placeholders such as ${defaultProfileTemplate}.`)
  const stripped = value.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    if (!(placeholders as readonly string[]).includes(name)) {
      throw new UsageError(`Unknown placeholder ${whole} in the profile name template "${value}".`, `Use ${placeholders.map((p) => `{${p}}`).join(', ')}.`)
    }
    return ''
  })
  if (/[{}]/.test(stripped)) throw new UsageError(`The profile name template "${value}" has an unbalanced brace.`, `Use placeholders such as ${defaultProfileTemplate}.`)
  if (!/\{(account_name|account_id)\}/.test(value)) {
    throw new UsageError(`The profile name template "${value}" names no account.`, 'Include {account_name} or {account_id}.')
  }
  return value
}

/**
 * Characters outside profileNamePattern become "-" (runs collapsed, none next to a separator such
 * as "." or "/"); leading and trailing "-" and "." go. `Shared Services (EU)` → `Shared-Services-EU`.
 * May return '' (nothing usable).
 */
export function sanitizeProfileName(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents go: Zoë → Zoe
    .replace(/[^A-Za-z0-9_.@+/-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/-*([./@+])-*/g, '$1')
    .replace(/^[-.]+|[-.]+$/g, '')
}

/** The profile name a template gives a pair (sanitized; the account id when nothing is left). */
export function renderProfileName(template: string, pair: AccountRolePair): string {
  const values: Record<Placeholder, string> = {
    session: pair.session,
    account_id: pair.accountId,
    account_name: pair.accountName,
    role_name: pair.roleName,
  }
  const raw = template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name as Placeholder] ?? whole)
  const name = sanitizeProfileName(raw)
  return name === '' || name === 'default' ? sanitizeProfileName(`${pair.accountId}.${pair.roleName}`) : name
}
