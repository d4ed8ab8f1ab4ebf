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

export interface IssuedCredential {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** undefined for long-lived keys */
  expiresAt?: number
  principal: Principal
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
  }
}
