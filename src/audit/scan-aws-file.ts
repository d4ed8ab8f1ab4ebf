import {parseIniDocument, type IniDocument, type IniSection} from '../config/ini-document.js'
import type {Finding, Scan} from './audit-types.js'
import {displayPath} from './display-path.js'
import {judgeKey} from './judge-key.js'
import {maskKeyId} from '../util/mask-key-id.js'
import {shellQuote} from '../util/shell-quote.js'

/** Keys whose lines `--fix` removes from a profile. */
export const keyEntryNames = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token'] as const

/** Expiry hints other tools write next to temporary keys (saml2aws, gimme-aws-creds, …). */
const expiryEntryNames = ['x_security_token_expires', 'aws_expiration', 'aws_session_expiration', 'expiration']

export interface AwsFileInput {
  path: string
  home: string
  text: string
  /** `config`: profiles are `[profile NAME]` and `[default]`; `credentials`: `[NAME]`. */
  format: 'config' | 'credentials'
  /** epoch ms of the file's last change */
  modifiedAt: number
}

/** The profile a section of a config or credentials file stands for. */
export function sectionProfileName(section: IniSection, format: 'config' | 'credentials'): string {
  if (section.kind === 'default') return 'default'
  if (format === 'config' && section.kind === 'profile') return section.name
  return section.header.trim()
}

/** Sections of `doc` that hold key material (an access key id, a secret key or a session token); empty values (`aws_access_key_id =`) hold none. */
export function sectionsWithKeys(doc: IniDocument): IniSection[] {
  return doc.sections.filter((s) => s.entries.some((e) => (keyEntryNames as readonly string[]).includes(e.key) && e.value.trim() !== ''))
}

const day = 24 * 3600 * 1000

/** Finds the profiles of an AWS config or credentials file that hold access keys. */
export function scanAwsFile(input: AwsFileInput, now: number): Scan {
  const doc = parseIniDocument(input.text)
  const shown = displayPath(input.path, input.home)
  const malformed = doc.problems.length > 0
  const scan: Scan = {findings: [], keys: new Map()}
  for (const section of sectionsWithKeys(doc)) {
    const value = (key: string) => section.entries.filter((e) => e.key === key).at(-1)
    const id = value('aws_access_key_id')
    const secret = value('aws_secret_access_key')
    const token = value('aws_session_token') ?? value('aws_security_token')
    const expiryText = expiryEntryNames.map((k) => value(k)?.value).find(Boolean)
    const expiresAt = expiryText === undefined ? undefined : Date.parse(expiryText)
    const judgement = judgeKey(
      {
        keyId: id?.value,
        hasSessionToken: Boolean(token?.value),
        expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
        modifiedAt: input.modifiedAt,
      },
      now,
    )
    const profile = sectionProfileName(section, input.format)
    const line = (id ?? secret ?? token)!.line + 1
    const notes: string[] = []
    if (input.format === 'config' && section.kind !== 'profile' && section.kind !== 'default') {
      notes.push(`[${section.header}] is not a profile section: the AWS SDKs ignore it, but the key is still on disk.`)
    }
    if (id && !secret) notes.push('No aws_secret_access_key next to the key id.')
    const findingId = `aws-file:${input.path}:${section.startLine}`
    const finding: Finding = {
      id: findingId,
      kind: 'aws-file',
      location: `${shown}:${line}`,
      file: input.path,
      line,
      profile,
      ...(id?.value ? {keyId: maskKeyId(id.value)} : {}),
      keyType: judgement.keyType,
      longLived: judgement.longLived,
      severity: judgement.severity,
      fileModifiedAt: new Date(input.modifiedAt).toISOString(),
      fileAgeDays: Math.max(0, Math.floor((now - input.modifiedAt) / day)),
      ...(expiresAt !== undefined && !Number.isNaN(expiresAt) ? {expiresAt: new Date(expiresAt).toISOString()} : {}),
      ...(judgement.expired === undefined ? {} : {expired: judgement.expired}),
      fixable: !malformed,
      advice: malformed
        ? `Fix the malformed line ${doc.problems[0].line + 1} of ${shown} first; then \`keyless audit --fix --profile ${shellQuote(profile)}\`.`
        : judgement.longLived
          ? `Move it off disk with \`keyless audit --fix --profile ${shellQuote(profile)}\` (add --replace-with PROFILE to keep the name working), then deactivate the key in IAM.`
          : `Stale temporary credentials: remove them with \`keyless audit --fix --profile ${shellQuote(profile)}\`.`,
      notes,
    }
    scan.findings.push(finding)
    if (id?.value && secret?.value) {
      scan.keys.set(findingId, {
        accessKeyId: id.value,
        secretAccessKey: secret.value,
        ...(token?.value ? {sessionToken: token.value} : {}),
        ...(value('region')?.value ? {region: value('region')!.value} : {}),
      })
    }
  }
  return scan
}
