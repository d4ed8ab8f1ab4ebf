import {KeylessError, UsageError} from '../errors.js'
import type {AwsConfig} from './load-aws-config.js'
import type {ChainedRoleProfile, EnvironmentKeyProfile, ResolvedProfile, SsoRoleProfile, StaticKeyProfile, StoredKeyProfile} from './profile-types.js'
import {isValidSourceIdentity, parseSessionTags, parseTransitiveTagKeys} from './session-tags.js'
import {getSsoSession, legacySessionName} from './sso-sessions.js'
import {quote} from './validate.js'
import {createScratch, fuzzyScore, isAsciiText, prepareText} from '../util/fuzzy-score.js'

const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/
const minDuration = 900
const maxDuration = 43_200
/** GetSessionToken allows up to 36 hours. */
const maxSessionTokenDuration = 129_600

/**
 * Resolves profile `name` to what keyless needs to produce its credentials: an Identity Center role
 * (keyless_*, native sso_session, or legacy sso_start_url keys), a role chain (role_arn +
 * source_profile, several hops), or static keys (only as a chain's source). `[default]` is "default".
 * Values of the credentials file win over the config file, as in the SDKs.
 */
export function resolveProfile(config: AwsConfig, name: string): ResolvedProfile {
  return resolve(config, name, [])
}

function resolve(config: AwsConfig, name: string, path: string[]): ResolvedProfile {
  if (path.includes(name)) {
    throw new UsageError(`Profile chain has a cycle: ${[...path, name].join(' -> ')}.`, 'Fix source_profile in one of them.')
  }
  const settings = profileSettings(config, name)
  if (!settings) throw unknownProfile(config, name, path.at(-1))
  const region = settings.region || undefined

  if (settings.role_arn) return resolveChain(config, name, settings, path)

  if (settings.keyless_stored_key) return resolveStoredKey(name, settings)

  if (settings.keyless_session || settings.keyless_account_id || settings.keyless_role_name) {
    requireKeys(config, name, settings, ['keyless_session', 'keyless_account_id', 'keyless_role_name'])
    const profile: SsoRoleProfile = {
      kind: 'sso',
      name,
      region,
      settings,
      session: getSsoSession(config, settings.keyless_session),
      accountId: settings.keyless_account_id,
      roleName: settings.keyless_role_name,
    }
    return profile
  }

  if (settings.sso_session || settings.sso_start_url) return resolveNativeSso(config, name, settings)

  if (settings.aws_access_key_id || settings.aws_secret_access_key) {
    requireKeys(config, name, settings, ['aws_access_key_id', 'aws_secret_access_key'])
    const profile: StaticKeyProfile = {
      kind: 'static',
      name,
      region,
      settings,
      accessKeyId: settings.aws_access_key_id,
      secretAccessKey: settings.aws_secret_access_key,
      ...(settings.aws_session_token ? {sessionToken: settings.aws_session_token} : {}),
    }
    return profile
  }

  if (settings.credential_source) throw credentialSourceWithoutRole(name)
  throw new UsageError(
    `Profile "${name}" has nothing keyless can serve (no keyless_session, sso_session, role_arn or access key).`,
    'Run `keyless sync` to create keyless profiles, or use one of those.',
  )
}

function resolveNativeSso(config: AwsConfig, name: string, settings: Record<string, string>): SsoRoleProfile {
  requireKeys(config, name, settings, ['sso_account_id', 'sso_role_name'])
  let session
  if (settings.sso_session) {
    session = getSsoSession(config, settings.sso_session)
    if (settings.sso_start_url && settings.sso_start_url !== session.startUrl) {
      throw new UsageError(
        `Profile "${name}" has sso_start_url ${settings.sso_start_url}, but its sso-session "${session.name}" uses ${session.startUrl}.`,
        'Remove sso_start_url from the profile.',
      )
    }
  } else {
    requireKeys(config, name, settings, ['sso_start_url', 'sso_region'])
    // Legacy SSO: the token has no refresh token, hence no scopes.
    session = {name: legacySessionName(settings.sso_start_url), startUrl: settings.sso_start_url, region: settings.sso_region, scopes: []}
  }
  return {
    kind: 'sso',
    name,
    region: settings.region || undefined,
    settings,
    session,
    accountId: settings.sso_account_id,
    roleName: settings.sso_role_name,
  }
}

function resolveStoredKey(name: string, settings: Record<string, string>): StoredKeyProfile {
  if (!/^[\w+=,.@-]{1,128}$/.test(settings.keyless_stored_key)) {
    throw new UsageError(`Profile "${name}" has an invalid keyless_stored_key "${settings.keyless_stored_key}".`, 'It names the stored key, usually the profile name.')
  }
  const durationSeconds = parseDuration(name, settings, maxSessionTokenDuration)
  return {
    kind: 'stored-key',
    name,
    region: settings.region || undefined,
    settings,
    keyName: settings.keyless_stored_key,
    ...(settings.mfa_serial ? {mfaSerial: settings.mfa_serial} : {}),
    ...(durationSeconds === undefined ? {} : {durationSeconds}),
  }
}

function parseDuration(name: string, settings: Record<string, string>, max: number): number | undefined {
  if (settings.duration_seconds === undefined || settings.duration_seconds === '') return undefined
  const durationSeconds = Number(settings.duration_seconds)
  if (!/^\d+$/.test(settings.duration_seconds) || durationSeconds < minDuration || durationSeconds > max) {
    throw new UsageError(
      `Profile "${name}" has an invalid duration_seconds "${settings.duration_seconds}".`,
      `Use a whole number of seconds from ${minDuration} to ${max}.`,
    )
  }
  return durationSeconds
}

function resolveChain(config: AwsConfig, name: string, settings: Record<string, string>, path: string[]): ChainedRoleProfile {
  if (settings.source_profile && settings.credential_source) {
    throw new UsageError(`Profile "${name}" has both source_profile and credential_source.`, 'Keep one of them (they are mutually exclusive, as in the AWS CLI).')
  }
  if (!settings.source_profile && settings.credential_source) {
    // Checked before role_arn's form, as the AWS CLI does: the source decides whether it can work at all.
    credentialSource(name, settings.credential_source)
  }
  if (!settings.source_profile && !settings.credential_source) {
    if (settings.web_identity_token_file) {
      throw new KeylessError(`Profile "${name}" uses web_identity_token_file, which keyless does not serve.`, {
        code: 'NotSupported',
        hint: 'Let the AWS SDK use that profile directly.',
      })
    }
    throw new UsageError(`Profile "${name}" has role_arn but no source_profile.`, 'Add source_profile = PROFILE.')
  }
  if (!roleArnPattern.test(settings.role_arn)) {
    throw new UsageError(
      `Profile "${name}" has an invalid role_arn "${settings.role_arn}".`,
      'It looks like arn:aws:iam::123456789012:role/NAME.',
    )
  }
  const durationSeconds = parseDuration(name, settings, maxDuration)
  const session = sessionSettings(name, settings)
  const sourceName = settings.source_profile
  // A profile that names itself as source uses its own static keys (as botocore and the JS SDK do).
  const source: ResolvedProfile = !sourceName
    ? credentialSource(name, settings.credential_source)
    : sourceName === name && settings.aws_access_key_id
      ? resolveOwnKeys(config, name, settings)
      : resolve(config, sourceName, [...path, name])
  return {
    kind: 'chain',
    name,
    region: settings.region || source.region,
    settings,
    roleArn: settings.role_arn,
    source,
    ...(settings.external_id ? {externalId: settings.external_id} : {}),
    ...(settings.role_session_name ? {roleSessionName: settings.role_session_name} : {}),
    ...(durationSeconds === undefined ? {} : {durationSeconds}),
    ...(settings.mfa_serial ? {mfaSerial: settings.mfa_serial} : {}),
    ...session,
  }
}

/** source_identity, session_tags and transitive_session_tags, checked as STS checks them. */
function sessionSettings(name: string, settings: Record<string, string>): Pick<ChainedRoleProfile, 'sourceIdentity' | 'sessionTags' | 'transitiveTagKeys'> {
  const out: Pick<ChainedRoleProfile, 'sourceIdentity' | 'sessionTags' | 'transitiveTagKeys'> = {}
  const identity = settings.source_identity?.trim()
  if (identity) {
    if (!isValidSourceIdentity(identity)) {
      throw new UsageError(`Profile "${name}" has an invalid source_identity ${quote(identity)}.`, 'Use 2 to 64 letters, digits or _+=,.@-.')
    }
    out.sourceIdentity = identity
  }
  const tags = parseSessionTags(settings.session_tags ?? '')
  if ('error' in tags) throw new UsageError(`Profile "${name}" has invalid session_tags: ${tags.error}.`, 'Write session_tags = key1=value1,key2=value2.')
  if (tags.length > 0) out.sessionTags = tags
  const transitive = parseTransitiveTagKeys(settings.transitive_session_tags ?? '', tags)
  if ('error' in transitive) {
    throw new UsageError(`Profile "${name}" has invalid transitive_session_tags: ${transitive.error}.`, 'Write transitive_session_tags = key1,key2 naming keys of session_tags.')
  }
  if (transitive.length > 0) out.transitiveTagKeys = transitive
  return out
}

/** credential_source: Environment is served; the instance and container sources are refused in one line. */
function credentialSource(name: string, value: string): EnvironmentKeyProfile {
  const source = value.trim()
  if (source === 'Environment') return {kind: 'environment', name, settings: {}}
  if (source === 'Ec2InstanceMetadata' || source === 'EcsContainer') {
    throw new KeylessError(`Profile "${name}" uses credential_source = ${source}, which keyless does not serve (only Environment).`, {
      code: 'NotSupported',
      hint: 'On an instance or in a container let the AWS SDK use that profile directly.',
    })
  }
  throw new UsageError(`Profile "${name}" has an invalid credential_source ${quote(source)}.`, 'Use Environment, Ec2InstanceMetadata or EcsContainer.')
}

function resolveOwnKeys(config: AwsConfig, name: string, settings: Record<string, string>): StaticKeyProfile {
  requireKeys(config, name, settings, ['aws_access_key_id', 'aws_secret_access_key'])
  return {
    kind: 'static',
    name,
    region: settings.region || undefined,
    settings,
    accessKeyId: settings.aws_access_key_id,
    secretAccessKey: settings.aws_secret_access_key,
    ...(settings.aws_session_token ? {sessionToken: settings.aws_session_token} : {}),
  }
}

/** The profile's keys, credentials file over config file; undefined when neither has it. */
function profileSettings(config: AwsConfig, name: string): Record<string, string> | undefined {
  const fromConfig = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined
  const fromCredentials = Object.hasOwn(config.credentials, name) ? config.credentials[name] : undefined
  if (!fromConfig && !fromCredentials) return undefined
  return {...fromConfig, ...fromCredentials}
}

function requireKeys(config: AwsConfig, name: string, settings: Record<string, string>, keys: string[]): void {
  const missing = keys.filter((k) => !settings[k])
  if (missing.length > 0) {
    throw new UsageError(
      `Profile "${name}"${config.configFile ? ` in ${config.configFile}` : ''} is missing ${missing.join(', ')}.`,
      'Add the missing keys, or run `keyless sync` to regenerate keyless profiles.',
    )
  }
}

function credentialSourceWithoutRole(name: string): UsageError {
  return new UsageError(`Profile "${name}" has credential_source but no role_arn.`, 'credential_source names what signs the AssumeRole of role_arn: add role_arn.')
}

function unknownProfile(config: AwsConfig, name: string, referencedBy?: string): UsageError {
  const known = [...new Set([...Object.keys(config.profiles), ...Object.keys(config.credentials)])]
  const close = closeNames(name, known)
  const what = referencedBy ? `Profile ${quote(name)} (source_profile of "${referencedBy}")` : `Profile ${quote(name)}`
  const where = config.configFile ? ` in ${config.configFile}` : ''
  if (close.length > 0) return new UsageError(`${what} not found${where}.`, `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?`)
  if (known.length === 0) return new UsageError(`${what} not found${where}: no profiles are configured.`, 'Run `keyless sync` to create them.')
  const shown = known.slice(0, 10).join(', ') + (known.length > 10 ? `, … (${known.length - 10} more)` : '')
  return new UsageError(`${what} not found${where}.`, `Known profiles: ${shown}.`)
}

/**
 * Up to three known names closest to `name`: the same ignoring case; else the best fuzzy matches
 * (the fzf score the picker ranks by: `workload-dev.AdminAccess` → `workload-dev.AdministratorAccess`,
 * not the `ReadOnlyAccess` a plain edit distance would pick), within 80 % of the best score; else,
 * for typos fzf cannot match, the fewest edits away (at most a quarter of the name, at least 2).
 */
export function closeNames(name: string, known: string[]): string[] {
  const lower = name.toLowerCase()
  const same = known.filter((k) => k.toLowerCase() === lower)
  if (same.length > 0) return same.slice(0, 3)
  // One slip of the keyboard (a letter wrong, missing, extra, or two swapped: `dve` for `dev`) first:
  // fzf matches letters in order, so it cannot see a swap.
  const slips = known.filter((k) => oneSlipAway(lower, k.toLowerCase()))
  const fuzzy = fuzzyCloseNames(lower, known)
  if (slips.length + fuzzy.length > 0) return [...new Set([...slips, ...fuzzy])].slice(0, 3)
  const limit = Math.max(2, Math.floor(name.length / 4))
  const scored = known
    .map((k) => {
      const kl = k.toLowerCase()
      const score = kl.includes(lower) || lower.includes(kl) ? 1 : 1 + editDistance(lower, kl)
      return {k, score}
    })
    .filter(({score}) => score <= 1 + limit)
  const best = Math.min(...scored.map((s) => s.score))
  return scored
    .filter((s) => s.score === best)
    .sort((a, b) => a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({k}) => k)
}

/** Whether `b` is `a` with one letter changed, added or removed, or two neighbours swapped. */
function oneSlipAway(a: string, b: string): boolean {
  if (a === b) return false
  if (a.length === b.length) {
    const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]))
    return diff.length === 1 || (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]])
  }
  return Math.abs(a.length - b.length) === 1 && editDistance(a, b) === 1
}

function fuzzyCloseNames(lower: string, known: string[]): string[] {
  if (!isAsciiText(lower) || lower.length === 0) return []
  const pattern = Uint8Array.from(lower, (c) => c.charCodeAt(0))
  const scratch = createScratch()
  const scored = known
    .filter(isAsciiText)
    .map((k) => ({k, score: fuzzyScore(prepareText(k), pattern, false, scratch)}))
    .filter((s) => s.score > 0)
  if (scored.length === 0) return []
  const best = Math.max(...scored.map((s) => s.score))
  return scored
    .filter((s) => s.score >= best * 0.8)
    .sort((a, b) => b.score - a.score || a.k.length - b.k.length || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({k}) => k)
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]
}
