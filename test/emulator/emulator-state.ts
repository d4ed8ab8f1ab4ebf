import type {Organization} from './organization.js'

/** Token and credential lifetimes, in seconds (setLifetimes changes them for what is issued next). */
export interface Lifetimes {
  registrationSeconds: number
  accessTokenSeconds: number
  refreshableAccessTokenSeconds: number
  deviceCodeSeconds: number
  deviceIntervalSeconds: number
  roleCredentialSeconds: number
}

export const DEFAULT_LIFETIMES: Lifetimes = {
  registrationSeconds: 90 * 24 * 3600,
  accessTokenSeconds: 8 * 3600,
  refreshableAccessTokenSeconds: 3600,
  deviceCodeSeconds: 600,
  deviceIntervalSeconds: 1,
  roleCredentialSeconds: 3600,
}

export interface Registration {
  clientId: string
  clientSecret: string
  clientName: string
  scopes: string[]
  grantTypes: string[]
  redirectUris: string[]
  expiresAt: number
}

export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  clientId: string
  startUrl: string
  expiresAt: number
  intervalSeconds: number
  state: 'pending' | 'approved' | 'denied' | 'used'
  /** Monotonic ms of the last CreateToken poll (slow_down is judged on real time, not the injected clock). */
  lastPollAt?: number
}

export interface AuthorizationCode {
  code: string
  clientId: string
  redirectUri: string
  codeChallenge: string
  scopes: string[]
  expiresAt: number
  used: boolean
}

/** One sign-in session: what Logout ends, shared by its access and refresh tokens. */
export interface SsoSignIn {
  id: string
  clientId: string
  scopes: string[]
  ended: boolean
}

export interface IssuedAccessToken {
  signInId: string
  expiresAt: number
  revoked: boolean
}

export interface IssuedRefreshToken {
  signInId: string
  clientId: string
}

/** Who an STS-signed request is: the principal behind an access key. */
export interface Principal {
  accountId: string
  arn: string
  userId: string
  /**
   * 'sso' = GetRoleCredentials, 'assumed' = AssumeRole, 'user' = long-lived IAM user key,
   * 'user-session' = GetSessionToken credentials of an IAM user.
   */
  kind: 'sso' | 'assumed' | 'user' | 'user-session'
  /** The permission set of an 'sso' principal (AdministratorAccess, ReadOnlyAccess…). */
  roleName?: string
  /** The IAM user of a 'user' or 'user-session' principal. */
  userName?: string
}

/** What an AssumeRole session carries on into role chaining: its source identity and transitive tags. */
export interface SessionContext {
  sourceIdentity?: string
  /** Every session tag of the session (request tags + inherited transitive ones). */
  tags: Record<string, string>
  /** Keys of `tags` that pass on to sessions this one assumes. */
  transitiveTagKeys: string[]
}

/** One accepted AssumeRole, as the control API reports it (what arrived, and what the session got). */
export interface AssumeRoleRecord {
  roleArn: string
  roleSessionName: string
  callerArn: string
  externalId?: string
  /** The request's SourceIdentity, Tags and TransitiveTagKeys as they arrived. */
  request: {sourceIdentity?: string; tags: Array<{key: string; value: string}>; transitiveTagKeys: string[]}
  /** The new session's context (with what it inherited from the caller). */
  session: SessionContext
}

export interface IssuedCredential {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** undefined for long-lived keys */
  expiresAt?: number
  principal: Principal
  /** The session was created with a valid MFA code (aws:MultiFactorAuthPresent). */
  mfa?: boolean
  /** AssumeRole sessions: source identity and session tags. */
  session?: SessionContext
}

/** A virtual MFA device: RFC 6238 TOTP (SHA-1, 6 digits, 30 s) over `seed`. */
export interface MfaDevice {
  serialNumber: string
  /** Base32, as an authenticator app's QR code carries it. */
  seed: string
  /** The highest TOTP time step accepted so far (a code is never accepted twice). */
  lastStep: number
}

/** One long-lived access key (AKIA…) of an IAM user. */
export interface IamAccessKey {
  accessKeyId: string
  secretAccessKey: string
  status: 'Active' | 'Inactive'
  createDate: number
  lastUsed?: {date: number; service: string; region: string}
  user: IamUser
}

export interface IamUser {
  accountId: string
  userName: string
  userId: string
  arn: string
  createDate: number
  keys: IamAccessKey[]
  mfa?: MfaDevice
  /** GetSessionToken without a valid MFA code is AccessDenied. */
  mfaRequired: boolean
}

export interface SigninToken {
  credentialKey: string
  expiresAt: number
  sessionDurationSeconds: number
}

/** Everything the emulator remembers. Created per emulator instance; nothing is module-level. */
export interface EmulatorState {
  url: string
  org: Organization
  now: () => number
  lifetimes: Lifetimes
  deviceDecision: 'approve' | 'deny'
  registrations: Map<string, Registration>
  devices: Map<string, DeviceAuthorization>
  userCodes: Map<string, string>
  authorizationCodes: Map<string, AuthorizationCode>
  signIns: Map<string, SsoSignIn>
  accessTokens: Map<string, IssuedAccessToken>
  refreshTokens: Map<string, IssuedRefreshToken>
  credentials: Map<string, IssuedCredential>
  signinTokens: Map<string, SigninToken>
  /** `${accountId}/${userName}` -> user. */
  iamUsers: Map<string, IamUser>
  /** Existing long-lived keys by id (DeleteAccessKey removes them). */
  iamKeys: Map<string, IamAccessKey>
  /** Every access key id ever issued (temporary or long-lived) -> its account, for GetAccessKeyInfo. */
  keyAccounts: Map<string, string>
  /** Every accepted AssumeRole, oldest first. */
  assumeRoles: AssumeRoleRecord[]
}

export function createEmulatorState(org: Organization, now: () => number): EmulatorState {
  return {
    url: '',
    org,
    now,
    lifetimes: {...DEFAULT_LIFETIMES},
    deviceDecision: 'approve',
    registrations: new Map(),
    devices: new Map(),
    userCodes: new Map(),
    authorizationCodes: new Map(),
    signIns: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    credentials: new Map(),
    signinTokens: new Map(),
    iamUsers: new Map(),
    iamKeys: new Map(),
    keyAccounts: new Map(),
    assumeRoles: [],
  }
}
