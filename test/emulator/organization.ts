/** An AWS account as the SSO portal lists it. */
export interface Account {
  accountId: string
  accountName: string
  emailAddress: string
}

/** An IAM role that STS AssumeRole accepts (role chaining, `role_arn` + `source_profile`). */
export interface AssumableRole {
  roleArn: string
  /** When set, AssumeRole must send exactly this ExternalId, else AccessDenied. */
  externalId?: string
  /** The role's MaxSessionDuration (3600..43200). Chained sessions are capped at 3600 anyway. */
  maxSessionDurationSeconds: number
  /** When set, only principals of these accounts may assume the role (default: any principal the emulator issued). */
  trustedAccountIds?: string[]
  /** The trust policy requires MFA (aws:MultiFactorAuthPresent): AssumeRole needs SerialNumber + TokenCode, or an MFA-backed session. */
  mfaRequired?: boolean
}

/** One long-lived access key of a fixture IAM user (its id and secret are made when the emulator starts). */
export interface IamKeyFixture {
  status: 'Active' | 'Inactive'
  createdDaysAgo: number
  /** IAM's last-used record; absent = never used. */
  lastUsed?: {hoursAgo: number; service: string; region: string}
}

/** An IAM user with long-lived keys, in one of the organization's accounts. */
export interface IamUserFixture {
  accountId: string
  userName: string
  keys: IamKeyFixture[]
  /**
   * A virtual MFA device (`arn:aws:iam::ACCOUNT:mfa/USER`, a random seed the control API exposes).
   * `required`: GetSessionToken without a valid code is AccessDenied.
   */
  mfa?: {required: boolean}
}

/** One IAM Identity Center instance with one signed-in user, plus the IAM roles STS can assume. */
export interface Organization {
  /** The access portal URL (`sso_start_url`). */
  startUrl: string
  /** The Identity Center region (`sso_region`). */
  region: string
  /** The user that signs in; it becomes the session name of SSO role credentials. */
  userName: string
  accounts: Account[]
  /** accountId -> permission set (role) names assigned to the user, in portal order. */
  assignments: Record<string, string[]>
  assumableRoles: AssumableRole[]
  /** IAM users with long-lived keys (the keys `keyless audit` finds and retires). */
  iamUsers: IamUserFixture[]
}

/** Account ids of the landing zone, by account name. */
export const LANDING_ZONE_ACCOUNT_IDS = {
  security: '314159265358',
  'log-archive': '271828182845',
  network: '161803398874',
  'shared-services': '141421356237',
  'workload-prod': '173205080756',
  'workload-dev': '223606797749',
  'workload-test': '244948974278',
  sandbox: '264575131106',
} as const

/** The external id the landing zone's ExternalAuditor role requires. */
export const EXTERNAL_AUDITOR_EXTERNAL_ID = 'keyless-audit-5f0c2a'
/** A role that requires an external id (MaxSessionDuration 12 h). */
export const EXTERNAL_AUDITOR_ROLE_ARN = `arn:aws:iam::${LANDING_ZONE_ACCOUNT_IDS.security}:role/ExternalAuditor`
/** A role without an external id (MaxSessionDuration 1 h), for plain role chains. */
export const DEPLOYER_ROLE_ARN = `arn:aws:iam::${LANDING_ZONE_ACCOUNT_IDS['workload-prod']}:role/Deployer`
/** Like DEPLOYER_ROLE_ARN, in workload-dev, MaxSessionDuration 2 h. */
export const DEV_DEPLOYER_ROLE_ARN = `arn:aws:iam::${LANDING_ZONE_ACCOUNT_IDS['workload-dev']}:role/Deployer`
/** A role in workload-test whose trust requires MFA (MaxSessionDuration 12 h; 1 h from an MFA session by role chaining). */
export const MFA_OPS_ROLE_ARN = `arn:aws:iam::${LANDING_ZONE_ACCOUNT_IDS['workload-test']}:role/MfaOps`

/**
 * The landing zone's IAM users: `legacy-admin` (workload-dev, one active key last used 41 days ago),
 * `ci-bot` (shared-services, one active key a CI system used 2 hours ago), `jane.legacy`
 * (workload-test, MFA required, one key never used), `old-deployer` (sandbox, an active and an
 * inactive key: CreateAccessKey is at its limit).
 */
export const LANDING_ZONE_IAM_USERS = {
  legacyAdmin: {accountId: LANDING_ZONE_ACCOUNT_IDS['workload-dev'], userName: 'legacy-admin'},
  ciBot: {accountId: LANDING_ZONE_ACCOUNT_IDS['shared-services'], userName: 'ci-bot'},
  janeLegacy: {accountId: LANDING_ZONE_ACCOUNT_IDS['workload-test'], userName: 'jane.legacy'},
  oldDeployer: {accountId: LANDING_ZONE_ACCOUNT_IDS.sandbox, userName: 'old-deployer'},
} as const

const ADMIN = 'AdministratorAccess'
const READ_ONLY = 'ReadOnlyAccess'
const POWER_USER = 'PowerUserAccess'

/**
 * A multi-account landing zone: eight accounts, three permission sets assigned by purpose, and
 * IAM roles for chaining (one of which requires an external id).
 */
export function landingZone(): Organization {
  const ids = LANDING_ZONE_ACCOUNT_IDS
  const accounts: Account[] = Object.entries(ids).map(([name, accountId]) => ({
    accountId,
    accountName: name,
    emailAddress: `aws+${name}@example.com`,
  }))
  return {
    startUrl: 'https://d-9067c0ffee.awsapps.com/start',
    region: 'eu-west-1',
    userName: 'jane.doe@example.com',
    accounts,
    assignments: {
      [ids.security]: [ADMIN, READ_ONLY],
      [ids['log-archive']]: [READ_ONLY],
      [ids.network]: [ADMIN, READ_ONLY],
      [ids['shared-services']]: [ADMIN, POWER_USER, READ_ONLY],
      [ids['workload-prod']]: [POWER_USER, READ_ONLY],
      [ids['workload-dev']]: [ADMIN, POWER_USER, READ_ONLY],
      [ids['workload-test']]: [POWER_USER, READ_ONLY],
      [ids.sandbox]: [ADMIN],
    },
    assumableRoles: [
      {roleArn: EXTERNAL_AUDITOR_ROLE_ARN, externalId: EXTERNAL_AUDITOR_EXTERNAL_ID, maxSessionDurationSeconds: 43_200},
      {roleArn: DEPLOYER_ROLE_ARN, maxSessionDurationSeconds: 3600},
      {roleArn: DEV_DEPLOYER_ROLE_ARN, maxSessionDurationSeconds: 7200},
      {roleArn: MFA_OPS_ROLE_ARN, maxSessionDurationSeconds: 43_200, mfaRequired: true, trustedAccountIds: [ids['workload-test']]},
    ],
    iamUsers: [
      {...LANDING_ZONE_IAM_USERS.legacyAdmin, keys: [{status: 'Active', createdDaysAgo: 400, lastUsed: {hoursAgo: 41 * 24, service: 's3', region: 'eu-west-1'}}]},
      {...LANDING_ZONE_IAM_USERS.ciBot, keys: [{status: 'Active', createdDaysAgo: 200, lastUsed: {hoursAgo: 2, service: 'ecr', region: 'eu-west-1'}}]},
      {...LANDING_ZONE_IAM_USERS.janeLegacy, keys: [{status: 'Active', createdDaysAgo: 30}], mfa: {required: true}},
      {
        ...LANDING_ZONE_IAM_USERS.oldDeployer,
        keys: [
          {status: 'Active', createdDaysAgo: 90, lastUsed: {hoursAgo: 24 * 10, service: 'cloudformation', region: 'us-east-1'}},
          {status: 'Inactive', createdDaysAgo: 700, lastUsed: {hoursAgo: 24 * 500, service: 'iam', region: 'us-east-1'}},
        ],
      },
    ],
  }
}

const ROLE_NAMES = [
  ADMIN, READ_ONLY, POWER_USER, 'ViewOnlyAccess', 'SecurityAudit', 'DatabaseAdministrator',
  'NetworkAdministrator', 'DataScientist', 'SupportUser', 'Billing',
]
const TEAMS = ['payments', 'search', 'identity', 'checkout', 'ledger', 'media', 'mobile', 'platform', 'risk', 'analytics']
const STAGES = ['prod', 'staging', 'dev', 'test', 'sandbox']

/**
 * A large, deterministic organization: `accounts` accounts named `<team>-<stage>-<n>`, each with
 * `rolesPerAccount` roles (rotating through common permission sets, then `CustomRoleN`). The
 * first account holds an ExternalAuditor role requiring EXTERNAL_AUDITOR_EXTERNAL_ID.
 */
export function generatedOrganization(accounts: number, rolesPerAccount: number): Organization {
  const list: Account[] = []
  const assignments: Record<string, string[]> = {}
  for (let i = 0; i < accounts; i++) {
    const accountId = String(100_000_000_000 + ((i * 7_919_113) % 899_999_999_999)).padStart(12, '0')
    const accountName = `${TEAMS[i % TEAMS.length]}-${STAGES[Math.floor(i / TEAMS.length) % STAGES.length]}-${i + 1}`
    list.push({accountId, accountName, emailAddress: `aws+${accountName}@example.com`})
    const roles: string[] = []
    for (let r = 0; r < rolesPerAccount; r++) {
      roles.push(r < ROLE_NAMES.length ? ROLE_NAMES[(r + i) % ROLE_NAMES.length] : `CustomRole${r - ROLE_NAMES.length + 1}`)
    }
    assignments[accountId] = roles
  }
  const first = list[0]?.accountId ?? '100000000000'
  return {
    startUrl: 'https://d-90670ca11e.awsapps.com/start',
    region: 'us-east-1',
    userName: 'jane.doe@example.com',
    accounts: list,
    assignments,
    assumableRoles: [
      {roleArn: `arn:aws:iam::${first}:role/ExternalAuditor`, externalId: EXTERNAL_AUDITOR_EXTERNAL_ID, maxSessionDurationSeconds: 43_200},
    ],
    iamUsers: [],
  }
}
