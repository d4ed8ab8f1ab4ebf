import type {SsoSession} from '../sso/session-types.js'

/** A profile from the AWS config, resolved to what keyless needs to produce its credentials. */
export type ResolvedProfile = SsoRoleProfile | ChainedRoleProfile | StaticKeyProfile | StoredKeyProfile

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
  /** mfa_serial: the role is assumed from an MFA-backed GetSessionToken session of the source key. */
  mfaSerial?: string
}

/** aws_access_key_id/aws_secret_access_key in the config or credentials file (a chain's source). */
export interface StaticKeyProfile extends ProfileBase {
  kind: 'static'
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * An IAM user's long-lived key kept in the secret store (`keyless_stored_key = NAME`, written by
 * `keyless audit --fix --keep`): served only as STS GetSessionToken credentials, with MFA when
 * `mfa_serial` is set.
 */
export interface StoredKeyProfile extends ProfileBase {
  kind: 'stored-key'
  /** The store item `user-key/NAME`. */
  keyName: string
  mfaSerial?: string
  /** GetSessionToken DurationSeconds (900..129600; AWS's default is 43200). */
  durationSeconds?: number
}
