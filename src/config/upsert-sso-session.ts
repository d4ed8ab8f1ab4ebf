import {UsageError} from '../errors.js'
import type {Paths} from '../util/paths.js'
import {withConfigLock} from './config-lock.js'
import {findSections, isStorableValue, upsertSection} from './ini-document.js'
import {assertWellFormed, readTextFile} from './load-aws-config.js'
import {quote, validateRegion, validateScopes, validateSessionName, validateStartUrl} from './validate.js'
import {writeFileAtomic} from '../util/write-file-atomic.js'

export interface SsoSessionInput {
  name: string
  startUrl: string
  region: string
  scopes: string[]
  /** Further keys of the section (e.g. keyless_profile_template); unknown existing keys are kept anyway. */
  extra?: Record<string, string>
}

/**
 * Adds or edits `[sso-session NAME]` in the config file: sso_start_url, sso_region,
 * sso_registration_scopes (+ extra). Only that section changes; the read, edit and write happen under
 * the config lock (as `sync` and `audit --fix` do), so concurrent writers keep each other's edits; the
 * write is atomic with a backup of the previous file. Invalid input or a malformed file is a
 * UsageError and leaves the file untouched.
 */
export async function upsertSsoSession(
  paths: Pick<Paths, 'configFile' | 'lockDir'>,
  input: SsoSessionInput,
): Promise<{created: boolean; changed: boolean}> {
  const name = validateSessionName(input.name)
  const startUrl = validateStartUrl(input.startUrl)
  const region = validateRegion(input.region)
  const scopes = validateScopes(input.scopes)
  const extra = Object.entries(input.extra ?? {})
  for (const [key, value] of extra) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`Invalid setting name ${quote(key)}.`, 'Use letters, digits and "_".')
    if (!isStorableValue(value.trim())) {
      throw new UsageError(`The value of ${key} cannot be stored: ${quote(value)}.`, 'Use a single line without " #" or " ;" (they start a comment).')
    }
  }

  return withConfigLock(paths, async () => {
    const text = (await readTextFile(paths.configFile)) ?? ''
    const doc = assertWellFormed(paths.configFile, text)
    const header = `sso-session ${name}`
    const created = findSections(doc, header).length === 0
    const next = upsertSection(text, header, [
      ['sso_start_url', startUrl],
      ['sso_region', region],
      ['sso_registration_scopes', scopes.join(',')],
      ...extra.map(([k, v]): [string, string] => [k, v.trim()]),
    ])
    if (next === text) return {created: false, changed: false}
    await writeFileAtomic(paths.configFile, next, {backup: true})
    return {created, changed: true}
  })
}
