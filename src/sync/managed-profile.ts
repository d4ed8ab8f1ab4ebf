import {isStorableValue, parseIniDocument} from '../config/ini-document.js'

/** One profile in a managed block. */
export interface ManagedProfile {
  name: string
  session: string
  accountId: string
  accountName: string
  roleName: string
  region?: string
  /** `prod` for accounts the guard patterns match (another engineer's guardrails read it). */
  environment?: string
}

/** The command line in credential_process, e.g. `keyless credential-process --profile NAME`. */
export function credentialProcessLine(keylessCommand: string, profile: string): string {
  return `${keylessCommand} credential-process --profile ${profile}`
}

/** The body of a managed block: the profiles sorted by name, a blank line between them. */
export function renderManagedProfiles(profiles: ManagedProfile[], keylessCommand: string): string {
  const sorted = [...profiles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return sorted
    .map((p) =>
      [
        `[profile ${p.name}]`,
        `credential_process = ${credentialProcessLine(keylessCommand, p.name)}`,
        `keyless_session = ${p.session}`,
        `keyless_account_id = ${p.accountId}`,
        `keyless_account_name = ${p.accountName}`,
        `keyless_role_name = ${p.roleName}`,
        ...(p.region ? [`region = ${p.region}`] : []),
        ...(p.environment ? [`keyless_environment = ${p.environment}`] : []),
      ]
        .map(assertStorableLine)
        .join('\n'),
    )
    .join('\n\n')
    .concat(sorted.length > 0 ? '\n' : '')
}

/** The profiles of a managed block body (as sync wrote them; incomplete ones are ignored). */
export function parseManagedProfiles(body: string): ManagedProfile[] {
  const doc = parseIniDocument(body)
  const profiles: ManagedProfile[] = []
  for (const section of doc.sections) {
    if (section.kind !== 'profile') continue
    const values = Object.fromEntries(section.entries.map((e) => [e.key, e.value]))
    if (!values.keyless_session || !values.keyless_account_id || !values.keyless_role_name) continue
    profiles.push({
      name: section.name,
      session: values.keyless_session,
      accountId: values.keyless_account_id,
      accountName: values.keyless_account_name || section.name,
      roleName: values.keyless_role_name,
      ...(values.region ? {region: values.region} : {}),
      ...(values.keyless_environment ? {environment: values.keyless_environment} : {}),
    })
  }
  return profiles
}

/** Last line of defence: a value that would not read back as written (line break, comment) never reaches the file. */
function assertStorableLine(line: string): string {
  if (line.startsWith('[')) {
    if (/[\p{Cc}\]#;]/u.test(line.slice(1, -1))) throw new Error(`keyless: refusing to write the section header ${JSON.stringify(line)}`)
    return line
  }
  const value = line.slice(line.indexOf(' = ') + 3)
  if (!isStorableValue(value) || /[\p{Cc}\u2028\u2029]/u.test(value)) throw new Error(`keyless: refusing to write ${JSON.stringify(line)} to the AWS config`)
  return line
}
