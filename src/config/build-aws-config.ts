import type {Paths} from '../util/paths.js'
import {iniContent, type IniDocument} from './ini-document.js'
import type {AwsConfig} from './load-aws-config.js'

// The one builder of the AWS SDK's view of the config and credentials files, from keyless's own
// line model (ini-document.ts). The credential-process hot path reads the files synchronously
// (read-aws-config-sync.ts), everything else asynchronously (load-aws-config.ts); both build here,
// so they cannot disagree. It follows the SDK loader (@smithy/shared-ini-file-loader: parseIni,
// then getConfigData / getSsoSessionData) step by step, which the randomized parity test
// (test/config/ini-document-sdk-parity.test.ts) holds it to. Small on purpose: the hot path loads it.

// A header the SDK splits into prefix and name; one with a prefix it does not know is dropped.
const sdkPrefixed = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/
const sectionTypes = ['profile', 'sso-session', 'services']

type Sections = Record<string, Record<string, string>>

/**
 * The SDK parser's raw map of one file: `default`, `profile.NAME`, `sso-session.NAME`,
 * `services.NAME` or the bare header → keys (sub-section keys as `parent.key`). Repeated sections
 * merge, later keys win, empty values are left out, and a section with no value is absent.
 */
export function iniSectionMap(doc: IniDocument): Sections {
  const map: Sections = {}
  const set = (section: string, key: string, value: string) => {
    if (!Object.hasOwn(map, section)) map[section] = {}
    map[section][key] = value
  }
  for (const s of doc.sections) {
    let section: string
    if (s.kind === 'default') section = 'default'
    else if (s.kind !== 'other') section = `${s.kind}.${s.name}`
    else if (sdkPrefixed.test(s.header)) continue
    else section = s.header
    for (const e of s.entries) {
      if (e.value !== '') {
        set(section, e.key, e.value)
        continue
      }
      // An empty value opens a sub-section: its indented `key = value` lines are `parent.key`.
      for (let i = e.line + 1; i < e.endLine; i++) {
        const raw = doc.lines[i]
        const content = iniContent(raw)
        const eq = content.indexOf('=')
        if (eq > 0 && raw.trimStart() !== raw && content.slice(eq + 1).trim() !== '') {
          set(section, `${e.key}.${content.slice(0, eq).trim()}`, content.slice(eq + 1).trim())
        }
      }
    }
  }
  return map
}

/**
 * AwsConfig from the two parsed files (undefined: the file does not exist). Profiles are every
 * `[profile NAME]` / `[default]` section of the config file, in file order, with the values the SDK
 * gives that name (`[profile default]` with values replaces `[default]`); a profile without keys
 * is kept (as {}), so that it resolves as "has nothing to serve" instead of "unknown".
 */
export function buildAwsConfig(configDoc: IniDocument | undefined, credentialsDoc: IniDocument | undefined, paths: Pick<Paths, 'configFile' | 'credentialsFile'>): AwsConfig {
  const raw = configDoc ? iniSectionMap(configDoc) : {}
  // getConfigData: `default`, then every `profile.NAME` by bare name, in the raw map's order.
  const byProfile: Sections = {}
  if (Object.hasOwn(raw, 'default')) byProfile.default = raw.default
  const ssoSessions: Sections = {}
  for (const [key, values] of Object.entries(raw)) {
    const dot = key.indexOf('.')
    if (dot < 0 || !sectionTypes.includes(key.slice(0, dot))) continue
    if (key.startsWith('profile.')) byProfile[key.slice(dot + 1)] = values
    else if (key.startsWith('sso-session.')) ssoSessions[key.slice(dot + 1)] = {...values}
  }
  const profiles: Sections = {}
  for (const section of configDoc?.sections ?? []) {
    if (section.kind === 'profile' || section.kind === 'default') {
      profiles[section.name] = {...(Object.hasOwn(byProfile, section.name) ? byProfile[section.name] : {})}
    }
  }
  return {
    profiles,
    ssoSessions,
    credentials: credentialsDoc ? iniSectionMap(credentialsDoc) : {},
    configFile: paths.configFile,
    credentialsFile: paths.credentialsFile,
  }
}
