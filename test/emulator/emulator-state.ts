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
  /** 'sso' = GetRoleCredentials, 'assumed' = AssumeRole, 'user' = long-lived IAM user key. */
  kind: 'sso' | 'assumed' | 'user'
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
  /** AssumeRole sessions: source identity and session tags. */
  session?: SessionContext
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
    assumeRoles: [],
  }
}
