import type {SessionTag} from './session-tags.js'

/** An `[sso-session NAME]` (or a legacy profile's sso_start_url), as the sign-in code needs it. */
export interface SsoSession {
  /** The sso-session name; for a legacy profile without one, `legacy-<hash of start URL>`. */
  name: string
  startUrl: string
  region: string
  /** e.g. ['sso:account:access'] */
  scopes: string[]
  /** `keyless_login_flow`: how a sign-in of this session goes when no --flow is given (default device). */
  loginFlow?: LoginFlow
}

/** The two sign-in flows: OAuth device authorization, or authorization code + PKCE. */
export type LoginFlow = 'device' | 'pkce'

/** A profile from the AWS config, resolved to what keyless needs to produce its credentials. */
export type ResolvedProfile = SsoRoleProfile | ChainedRoleProfile | StaticKeyProfile | EnvironmentKeyProfile

interface ProfileBase {
  name: string
  /** `region` of the profile (or, for a chain, of the first hop that sets one). */
  region?: string
  /** Every other key of the profile section, for features that read extra settings. */
  settings: Record<string, string>
}

/** keyless_* profile, native sso_session profile, or legacy sso_start_url profile. */
export interface SsoRoleProfile extends ProfileBase {
  kind: 'sso'
  session: SsoSession
  accountId: string
  roleName: string
}

/** role_arn + source_profile; `source` is resolved recursively (cycles are an error). */
export interface ChainedRoleProfile extends ProfileBase {
  kind: 'chain'
  roleArn: string
  source: ResolvedProfile
  externalId?: string
  roleSessionName?: string
  durationSeconds?: number
  /** source_identity: SourceIdentity of the AssumeRole. */
  sourceIdentity?: string
  /** session_tags = key1=value1,key2=value2 (aws-vault's key): Tags of the AssumeRole. */
  sessionTags?: SessionTag[]
  /** transitive_session_tags = key1,key2: TransitiveTagKeys (each one of sessionTags). */
  transitiveTagKeys?: string[]
}

/** aws_access_key_id/aws_secret_access_key in the config or credentials file (a chain's source). */
export interface StaticKeyProfile extends ProfileBase {
  kind: 'static'
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * `credential_source = Environment` (a chain's first hop only): AssumeRole is signed with
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN of keyless's environment, read when
 * the credentials are fetched. `name` is the chained profile that says it.
 */
export interface EnvironmentKeyProfile extends ProfileBase {
  kind: 'environment'
}
