import type {AwsCredentials} from '../credentials/credential-types.js'
import {toProcessJson} from '../credentials/credential-types.js'
import {UsageError} from '../errors.js'

export const exportFormats = ['env', 'env-no-export', 'fish', 'powershell', 'windows-cmd', 'dotenv', 'json'] as const
export type ExportFormat = (typeof exportFormats)[number]

/** The variables an export sets, in order: the credentials, their expiry, the region when known. */
export function exportVariables(credentials: AwsCredentials, region?: string): Array<[string, string]> {
  const variables: Array<[string, string]> = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', new Date(credentials.expiresAt).toISOString()],
  ]
  if (region) variables.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region])
  return variables
}

/**
 * The credentials as text for one shell or tool, each value quoted so that the shell reads back
 * exactly the value, whatever it contains:
 * - env / env-no-export (bash, zsh, sh): `export NAME='value'` (single quotes; ' as '\'' ).
 * - fish: `set -gx NAME 'value'` (single quotes; \ and ' escaped with \).
 * - powershell: `$Env:NAME = 'value'` (single quotes, no expansion; every single-quote character
 *   PowerShell knows, ' and the typographic ‘ ’ ‚ ‛, doubled).
 * - windows-cmd: `set "NAME=value"` (inside the quotes & | < > ^ ( ) are plain text); cmd has no
 *   escape for " % ! or a line break, so such a value is refused rather than printed wrongly.
 * - dotenv: `NAME=value` unquoted, which docker --env-file, systemd, python-dotenv and dotenv all
 *   read alike; only for values of letters, digits and + / = . _ : , @ - (real credentials are),
 *   anything else is refused.
 * - json: the credential_process JSON (no region: that format has no field for it).
 */
export function formatCredentials(credentials: AwsCredentials, format: ExportFormat, region?: string): string {
  if (format === 'json') return `${toProcessJson(credentials)}\n`
  const lines = exportVariables(credentials, region).map(([name, value]) => formatLine(format, name, value))
  return `${lines.join('\n')}\n`
}

function formatLine(format: Exclude<ExportFormat, 'json'>, name: string, value: string): string {
  switch (format) {
    case 'env':
      return `export ${name}=${posixQuote(value)}`
    case 'env-no-export':
      return `${name}=${posixQuote(value)}`
    case 'fish':
      return `set -gx ${name} '${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
    case 'powershell':
      return `$Env:${name} = '${value.replaceAll(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`
    case 'windows-cmd':
      refuseUnless(/^[^"%!\p{Cc}]*$/u.test(value), format, name, 'a " % ! or control character')
      return `set "${name}=${value}"`
    case 'dotenv':
      refuseUnless(/^[\w+/=.:,@-]*$/.test(value), format, name, 'a character other than letters, digits and + / = . _ : , @ -')
      return `${name}=${value}`
  }
}

function posixQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`
}

function refuseUnless(ok: boolean, format: ExportFormat, name: string, what: string): void {
  if (ok) return
  throw new UsageError(
    `The ${format} format cannot carry ${name} exactly: it contains ${what}.`,
    'Use --format json, env, fish or powershell.',
  )
}
