import type {AwsConfig} from '../config/load-aws-config.js'
import type {CredentialSpec} from '../credentials/credential-spec.js'

// The same rules as resolveProfile (config/resolve-profile.ts) and getCredentials, reduced to what
// decides the cache key, with no imports: the credential-process fast path cannot afford the
// modules (and node:crypto) that full resolution loads. Every case the full path would reject, and
// the rare legacy sso_start_url profile, is undefined here, so the full path handles and reports
// it. test/hot-path/fast-credential-spec.test.ts holds both to the same answers.

const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/
// The rules of config/session-tags.ts, repeated (that module is not loaded here).
const tagKey = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const tagValue = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u
const sourceIdentityPattern = /^[\w+=,.@-]{2,64}$/

/**
 * The credential spec of profile `name`, or undefined when anything is unusual. `env` gives the key
 * id of a credential_source = Environment chain.
 */
export function fastCredentialSpec(config: AwsConfig, name: string, env: NodeJS.ProcessEnv = {}): CredentialSpec | undefined {
  return resolve(config, name, [], env)
}

function resolve(config: AwsConfig, name: string, path: string[], env: NodeJS.ProcessEnv): CredentialSpec | undefined {
  if (path.includes(name)) return undefined
  const fromConfig = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined
  const fromCredentials = Object.hasOwn(config.credentials, name) ? config.credentials[name] : undefined
  if (!fromConfig && !fromCredentials) return undefined
  const s: Record<string, string> = {...fromConfig, ...fromCredentials}

  if (s.role_arn) {
    if (s.mfa_serial || !roleArnPattern.test(s.role_arn)) return undefined
    if (s.source_profile ? s.credential_source : s.credential_source?.trim() !== 'Environment') return undefined
    let durationSeconds: number | undefined
    if (s.duration_seconds !== undefined && s.duration_seconds !== '') {
      durationSeconds = Number(s.duration_seconds)
      if (!/^\d+$/.test(s.duration_seconds) || durationSeconds < 900 || durationSeconds > 43_200) return undefined
    }
    const session = sessionSettings(s)
    if (!session) return undefined
    const source: CredentialSpec | undefined = !s.source_profile
      ? {kind: 'environment', accessKeyId: env.AWS_ACCESS_KEY_ID?.trim() ?? ''}
      : s.source_profile === name && s.aws_access_key_id
        ? staticKeys(s)
        : resolve(config, s.source_profile, [...path, name], env)
    if (!source) return undefined
    return {
      kind: 'chain',
      roleArn: s.role_arn,
      ...(s.external_id ? {externalId: s.external_id} : {}),
      ...(s.role_session_name ? {roleSessionName: s.role_session_name} : {}),
      ...(durationSeconds === undefined ? {} : {durationSeconds}),
      ...session,
      source,
    }
  }
  if (s.mfa_serial) return undefined
  if (s.keyless_session || s.keyless_account_id || s.keyless_role_name) {
    if (!s.keyless_session || !s.keyless_account_id || !s.keyless_role_name || !completeSession(config, s.keyless_session)) return undefined
    return {kind: 'sso', session: s.keyless_session, accountId: s.keyless_account_id, roleName: s.keyless_role_name}
  }
  if (s.sso_session || s.sso_start_url) {
    // Legacy profiles (sso_start_url without sso_session) take the full path.
    if (!s.sso_session || !s.sso_account_id || !s.sso_role_name) return undefined
    const session = completeSession(config, s.sso_session)
    if (!session || (s.sso_start_url && s.sso_start_url !== session.sso_start_url)) return undefined
    return {kind: 'sso', session: s.sso_session, accountId: s.sso_account_id, roleName: s.sso_role_name}
  }
  if (s.aws_access_key_id || s.aws_secret_access_key) return staticKeys(s)
  return undefined
}

function staticKeys(s: Record<string, string>): CredentialSpec | undefined {
  return s.aws_access_key_id && s.aws_secret_access_key ? {kind: 'static', accessKeyId: s.aws_access_key_id} : undefined
}

function completeSession(config: AwsConfig, name: string): Record<string, string> | undefined {
  const values = Object.hasOwn(config.ssoSessions, name) ? config.ssoSessions[name] : undefined
  return values?.sso_start_url && values.sso_region ? values : undefined
}

type SessionSettings = Pick<Extract<CredentialSpec, {kind: 'chain'}>, 'sourceIdentity' | 'sessionTags' | 'transitiveTagKeys'>

/** source_identity, session_tags, transitive_session_tags as config/session-tags.ts reads them; undefined when invalid. */
function sessionSettings(s: Record<string, string>): SessionSettings | undefined {
  const out: SessionSettings = {}
  const identity = s.source_identity?.trim()
  if (identity) {
    if (!sourceIdentityPattern.test(identity)) return undefined
    out.sourceIdentity = identity
  }
  const tags: Array<[string, string]> = []
  const seen = new Set<string>()
  for (const item of (s.session_tags ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const at = item.indexOf('=')
    if (at <= 0) return undefined
    const key = item.slice(0, at).trim()
    const value = item.slice(at + 1).trim()
    if (!tagKey.test(key) || !tagValue.test(value) || seen.has(key.toLowerCase())) return undefined
    seen.add(key.toLowerCase())
    tags.push([key, value])
  }
  if (tags.length > 50) return undefined
  if (tags.length > 0) out.sessionTags = tags
  const transitive = (s.transitive_session_tags ?? '').split(',').map((x) => x.trim()).filter(Boolean)
  if (transitive.some((k) => !seen.has(k.toLowerCase()))) return undefined
  if (transitive.length > 0) out.transitiveTagKeys = transitive
  return out
}
