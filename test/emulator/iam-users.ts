import {Secret, TOTP} from 'otpauth'
import type {EmulatorState, IamAccessKey, IamUser, IssuedCredential, MfaDevice} from './emulator-state.js'
import type {IamUserFixture} from './organization.js'
import {randomIds} from './random-ids.js'

const HOUR_MS = 3600 * 1000
const DAY_MS = 24 * HOUR_MS
const TOTP_PERIOD_SECONDS = 30

/** What the control API tells tests about an IAM user (secrets included: tests play the user). */
export interface IamUserView {
  accountId: string
  userName: string
  arn: string
  keys: Array<{accessKeyId: string; secretAccessKey: string; status: 'Active' | 'Inactive'; lastUsed?: {date: Date; service: string; region: string}}>
  /** The virtual MFA device: its serial (`mfa_serial`) and base32 seed (what the QR code carries). */
  mfa?: {serialNumber: string; seed: string; required: boolean}
}

/** Creates the organization's IAM users with fresh keys and MFA seeds, back-dated from `now`. */
export function seedIamUsers(state: EmulatorState, fixtures: IamUserFixture[]): void {
  const now = state.now()
  for (const fixture of fixtures) {
    const oldest = Math.max(0, ...fixture.keys.map((k) => k.createdDaysAgo))
    const user = ensureIamUser(state, fixture.accountId, fixture.userName, now - (oldest + 1) * DAY_MS)
    user.mfaRequired = fixture.mfa?.required ?? false
    if (fixture.mfa) {
      user.mfa = {serialNumber: `arn:aws:iam::${user.accountId}:mfa/${user.userName}`, seed: new Secret({size: 20}).base32, lastStep: -1}
    }
    for (const k of fixture.keys) {
      const key = addAccessKey(state, user, now - k.createdDaysAgo * DAY_MS)
      key.status = k.status
      if (k.lastUsed) key.lastUsed = {date: now - k.lastUsed.hoursAgo * HOUR_MS, service: k.lastUsed.service, region: k.lastUsed.region}
    }
  }
}

/** The user `accountId/userName`, created (without keys or MFA) when missing. */
export function ensureIamUser(state: EmulatorState, accountId: string, userName: string, createDate = state.now()): IamUser {
  const id = `${accountId}/${userName}`
  let user = state.iamUsers.get(id)
  if (!user) {
    user = {
      accountId, userName, createDate,
      userId: randomIds.stableId('AIDA', id),
      arn: `arn:aws:iam::${accountId}:user/${userName}`,
      keys: [],
      mfaRequired: false,
    }
    state.iamUsers.set(id, user)
  }
  return user
}

/** A new Active AKIA… key for `user` (no quota check: CreateAccessKey checks it). */
export function addAccessKey(state: EmulatorState, user: IamUser, createDate = state.now()): IamAccessKey {
  const key: IamAccessKey = {
    accessKeyId: randomIds.accessKeyId('AKIA'),
    secretAccessKey: randomIds.secretAccessKey(),
    status: 'Active',
    createDate,
    user,
  }
  user.keys.push(key)
  state.iamKeys.set(key.accessKeyId, key)
  state.keyAccounts.set(key.accessKeyId, user.accountId)
  return key
}

export function deleteAccessKey(state: EmulatorState, key: IamAccessKey): void {
  key.user.keys = key.user.keys.filter((k) => k !== key)
  state.iamKeys.delete(key.accessKeyId)
}

/**
 * The credential behind an access key id, as every signed service sees it: temporary credentials
 * the emulator issued, or an Active long-lived key (an Inactive or deleted key is unknown, so AWS
 * answers InvalidClientTokenId everywhere).
 */
export function findCredential(state: EmulatorState, accessKeyId: string): {issued: IssuedCredential; key?: IamAccessKey} | undefined {
  const issued = state.credentials.get(accessKeyId)
  if (issued) return {issued}
  const key = state.iamKeys.get(accessKeyId)
  if (!key || key.status !== 'Active') return undefined
  const {user} = key
  return {
    key,
    issued: {
      accessKeyId, secretAccessKey: key.secretAccessKey,
      principal: {accountId: user.accountId, arn: user.arn, userId: user.userId, kind: 'user', userName: user.userName},
    },
  }
}

export type TotpCheck = 'ok' | 'invalid' | 'reused'

/**
 * Checks a 6-digit code against the device's RFC 6238 TOTP (SHA-1, 30 s), accepting one step of
 * clock drift either way like AWS. A time step once accepted is never accepted again.
 */
export function checkTotp(device: MfaDevice, code: string, nowMs: number): TotpCheck {
  const totp = new TOTP({secret: Secret.fromBase32(device.seed), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS})
  const delta = totp.validate({token: code, timestamp: nowMs, window: 1})
  if (delta === null) return 'invalid'
  const step = Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta
  if (step <= device.lastStep) return 'reused'
  device.lastStep = step
  return 'ok'
}

export function iamUserView(state: EmulatorState, accountId: string, userName: string): IamUserView | undefined {
  const user = state.iamUsers.get(`${accountId}/${userName}`)
  if (!user) return undefined
  return {
    accountId, userName, arn: user.arn,
    keys: user.keys.map((k) => ({
      accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, status: k.status,
      ...(k.lastUsed ? {lastUsed: {date: new Date(k.lastUsed.date), service: k.lastUsed.service, region: k.lastUsed.region}} : {}),
    })),
    ...(user.mfa ? {mfa: {serialNumber: user.mfa.serialNumber, seed: user.mfa.seed, required: user.mfaRequired}} : {}),
  }
}
