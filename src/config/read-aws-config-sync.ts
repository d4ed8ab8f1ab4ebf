import {readFileSync} from 'node:fs'
import type {AwsConfig} from './load-aws-config.js'
import {parseIniDocument, type IniSection} from './ini-document.js'
import type {Paths} from '../util/paths.js'

// The SDK loader's header pattern: a header with a prefix it does not know is dropped entirely.
const sdkPrefixed = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/

/**
 * The AWS config and credentials files as the AWS SDK's loader sees them, built from keyless's own
 * line model: for the credential-process fast path, which cannot afford to load the SDK (about
 * 18 ms). Sections merge when repeated, later keys win, empty values are dropped, `[profile default]`
 * replaces `[default]`; the keys of nested sub-sections (`s3 =` blocks) are left out. undefined when a file has a line the SDK would skip or cannot be read: the
 * full path (`loadAwsConfig`) then reports it properly.
 */
export function readAwsConfigSync(paths: Pick<Paths, 'configFile' | 'credentialsFile'>): AwsConfig | undefined {
  const configText = readIfExists(paths.configFile)
  const credentialsText = readIfExists(paths.credentialsFile)
  if (configText === null || credentialsText === null) return undefined
  const configDoc = parseIniDocument(configText ?? '')
  const credentialsDoc = parseIniDocument(credentialsText ?? '')
  if (configDoc.problems.length > 0 || credentialsDoc.problems.length > 0) return undefined

  const profiles: Record<string, Record<string, string>> = {}
  const ssoSessions: Record<string, Record<string, string>> = {}
  let plainDefault: Record<string, string> | undefined
  let profileDefault: Record<string, string> | undefined
  let sawDefault = false
  for (const section of configDoc.sections) {
    const values = sectionValues(section)
    // The SDK only creates a section once it has a value (an empty [profile default] hides nothing).
    const some = Object.keys(values).length > 0
    if (section.name === 'default' && (section.kind === 'default' || section.kind === 'profile')) sawDefault = true
    if (section.kind === 'default') plainDefault = merge(plainDefault, values)
    else if (section.kind === 'profile' && section.name === 'default') profileDefault = some || profileDefault ? merge(profileDefault, values) : undefined
    else if (section.kind === 'profile') profiles[section.name] = merge(profiles[section.name], values)
    else if (section.kind === 'sso-session' && (some || Object.hasOwn(ssoSessions, section.name))) {
      ssoSessions[section.name] = merge(ssoSessions[section.name], values)
    }
  }
  if (sawDefault) profiles.default = profileDefault ?? plainDefault ?? {}

  const credentials: Record<string, Record<string, string>> = {}
  for (const section of credentialsDoc.sections) {
    let key: string
    if (section.kind === 'profile' || section.kind === 'sso-session' || section.kind === 'services') key = `${section.kind}.${section.name}`
    else if (section.kind === 'default') key = 'default'
    else if (sdkPrefixed.test(section.header)) continue
    else key = section.header
    const values = sectionValues(section)
    if (Object.keys(values).length > 0 || Object.hasOwn(credentials, key)) credentials[key] = merge(credentials[key], values)
  }
  return {profiles, ssoSessions, credentials, configFile: paths.configFile, credentialsFile: paths.credentialsFile}
}

function sectionValues(section: IniSection): Record<string, string> {
  const values: Record<string, string> = {}
  for (const entry of section.entries) if (entry.value !== '') values[entry.key] = entry.value
  return values
}

function merge(into: Record<string, string> | undefined, values: Record<string, string>): Record<string, string> {
  return {...into, ...values}
}

/** The text, undefined when the file does not exist, null when it cannot be read. */
function readIfExists(path: string): string | undefined | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null
  }
}
