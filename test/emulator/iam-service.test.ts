import {expect} from 'chai'
import {GetRoleCredentialsCommand, SSOClient} from '@aws-sdk/client-sso'
import {
  CreateAccessKeyCommand, DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, GetUserCommand, IAMClient, ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, GetAccessKeyInfoCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient} from '@aws-sdk/client-sts'
import {Secret, TOTP} from 'otpauth'
import {SignatureV4} from '@smithy/signature-v4'
import {startEmulator, type Emulator} from './emulator.js'
import {NodeSha256} from './sigv4-verifier.js'
import {checkTotp} from './iam-users.js'
import {LANDING_ZONE_ACCOUNT_IDS, LANDING_ZONE_IAM_USERS, MFA_OPS_ROLE_ARN} from './organization.js'
import {rejection, status} from './sdk-errors.js'
import {sdkLogin} from './sdk-login.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

interface Creds {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** A code as an authenticator app computes it from the seed, at `ms`. */
function totpAt(seed: string, ms: number): string {
  return new TOTP({secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: 6, period: 30}).generate({timestamp: ms})
}

describe('emulator: TOTP (otpauth) against RFC 6238', () => {
  // RFC 6238 Appendix B, SHA-1, seed "12345678901234567890": the 8-digit values' last 6 digits.
  const seed = Secret.fromUTF8('12345678901234567890').base32
  const vectors: Array<[number, string]> = [
    [59, '94287082'], [1_111_111_109, '07081804'], [1_111_111_111, '14050471'],
    [1_234_567_890, '89005924'], [2_000_000_000, '69279037'], [20_000_000_000, '65353130'],
  ]

  it('otpauth computes the RFC 6238 test vectors (8 digits)', () => {
    const totp = new TOTP({secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: 8, period: 30})
    for (const [t, code] of vectors) expect(totp.generate({timestamp: t * 1000}), `T=${t}`).to.equal(code)
  })

  it('the emulator accepts each 6-digit vector once, refuses it reused and refuses a wrong code', () => {
    for (const [t, code] of vectors) {
      const device = {serialNumber: 'arn:aws:iam::123456789012:mfa/x', seed, lastStep: -1}
      expect(checkTotp(device, code.slice(2), t * 1000), `T=${t}`).to.equal('ok')
      expect(checkTotp(device, code.slice(2), t * 1000), `T=${t} again`).to.equal('reused')
      const wrong = String((Number(code.slice(2)) + 1) % 1_000_000).padStart(6, '0')
      expect(checkTotp({...device, lastStep: -1}, wrong, t * 1000)).to.equal('invalid')
    }
  })
})

describe('emulator: IAM users, keys and MFA with the SDK IAM and STS clients', () => {
  let clock: number
  let emulator: Emulator
  let accessToken: string
  const clients: Array<{destroy(): void}> = []
  const dev = LANDING_ZONE_ACCOUNT_IDS['workload-dev']
  const iam = (credentials: Creds) => {
    const client = new IAMClient({region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1})
    clients.push(client)
    return client
  }
  const sts = (credentials: Creds) => {
    const client = new STSClient({region: 'eu-west-1', endpoint: emulator.url, credentials, maxAttempts: 1})
    clients.push(client)
    return client
  }
  const role = async (accountId: string, roleName: string): Promise<Creds> => {
    const sso = new SSOClient({region: emulator.org.region, endpoint: emulator.url})
    const {roleCredentials: rc} = await sso.send(new GetRoleCredentialsCommand({accessToken, accountId, roleName}))
    sso.destroy()
    return {accessKeyId: rc!.accessKeyId!, secretAccessKey: rc!.secretAccessKey!, sessionToken: rc!.sessionToken}
  }
  const userKey = (u: {accountId: string; userName: string}, index = 0): Creds => {
    const key = emulator.iamUser(u.accountId, u.userName)!.keys[index]
    return {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey}
  }

  beforeEach(async () => {
    clock = Date.parse('2026-11-30T10:00:10Z')
    emulator = await startEmulator({now: () => clock})
    ;({accessToken} = await sdkLogin(emulator, {scopes: ['sso:account:access']}))
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await emulator.close()
  })

  it('has the fixture users: legacy-admin (used 41 days ago), ci-bot (used 2 h ago), jane.legacy (MFA, never used), old-deployer (2 keys)', () => {
    const admin = emulator.iamUser(dev, 'legacy-admin')!
    expect(admin.arn).to.equal(`arn:aws:iam::${dev}:user/legacy-admin`)
    expect(admin.keys).to.have.length(1)
    expect(admin.keys[0].accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/)
    expect(admin.keys[0].lastUsed?.service).to.equal('s3')
    expect(clock - admin.keys[0].lastUsed!.date.getTime()).to.equal(41 * 24 * 3600_000)
    const bot = emulator.iamUser(LANDING_ZONE_ACCOUNT_IDS['shared-services'], 'ci-bot')!
    expect(clock - bot.keys[0].lastUsed!.date.getTime()).to.equal(2 * 3600_000)
    const jane = emulator.iamUser(LANDING_ZONE_IAM_USERS.janeLegacy.accountId, 'jane.legacy')!
    expect(jane.mfa?.serialNumber).to.equal(`arn:aws:iam::${LANDING_ZONE_IAM_USERS.janeLegacy.accountId}:mfa/jane.legacy`)
    expect(jane.mfa?.seed).to.match(/^[A-Z2-7]{32}$/)
    expect(jane.keys[0].lastUsed).to.equal(undefined)
    expect(emulator.iamUser(LANDING_ZONE_ACCOUNT_IDS.sandbox, 'old-deployer')!.keys.map((k) => k.status)).to.deep.equal(['Active', 'Inactive'])
  })

  it('self-service: a user reads its own keys; its own call becomes the key\'s last use', async () => {
    const creds = userKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
    const client = iam(creds)
    const me = await client.send(new GetUserCommand({}))
    expect(me.User?.UserName).to.equal('legacy-admin')
    expect(me.User?.Arn).to.equal(`arn:aws:iam::${dev}:user/legacy-admin`)
    const list = await client.send(new ListAccessKeysCommand({}))
    expect(list.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).to.deep.equal([[creds.accessKeyId, 'Active']])
    const used = await client.send(new GetAccessKeyLastUsedCommand({AccessKeyId: creds.accessKeyId}))
    expect(used.UserName).to.equal('legacy-admin')
    expect(used.AccessKeyLastUsed?.ServiceName).to.equal('iam')
    expect(used.AccessKeyLastUsed?.Region).to.equal('us-east-1')
    expect(used.AccessKeyLastUsed?.LastUsedDate?.getTime()).to.equal(Math.floor(clock / 1000) * 1000)
    expect(emulator.count('GetUser')).to.equal(1)
  })

  it('an AdministratorAccess role of the account deactivates a key: it fails on STS and IAM with InvalidClientTokenId; reactivated it works', async () => {
    const key = userKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
    const admin = iam(await role(dev, 'AdministratorAccess'))
    const before = await admin.send(new GetAccessKeyLastUsedCommand({AccessKeyId: key.accessKeyId}))
    expect(before.AccessKeyLastUsed?.ServiceName).to.equal('s3')
    await admin.send(new UpdateAccessKeyCommand({UserName: 'legacy-admin', AccessKeyId: key.accessKeyId, Status: 'Inactive'}))
    const onSts = await rejection(() => sts(key).send(new GetCallerIdentityCommand({})))
    expect(onSts.name).to.equal('InvalidClientTokenId')
    expect(status(onSts)).to.equal(403)
    expect((await rejection(() => iam(key).send(new GetUserCommand({})))).name).to.equal('InvalidClientTokenId')
    // Reading the key's record through the role is no use of the key.
    const after = await admin.send(new GetAccessKeyLastUsedCommand({AccessKeyId: key.accessKeyId}))
    expect(after.AccessKeyLastUsed?.ServiceName).to.equal('s3')
    await admin.send(new UpdateAccessKeyCommand({UserName: 'legacy-admin', AccessKeyId: key.accessKeyId, Status: 'Active'}))
    expect((await sts(key).send(new GetCallerIdentityCommand({}))).Arn).to.equal(`arn:aws:iam::${dev}:user/legacy-admin`)
  })

  it('ReadOnlyAccess reads but may not update; PowerUserAccess and another account\'s administrator are denied', async () => {
    const key = userKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
    const reader = iam(await role(dev, 'ReadOnlyAccess'))
    expect((await reader.send(new ListAccessKeysCommand({UserName: 'legacy-admin'}))).AccessKeyMetadata).to.have.length(1)
    const denied = await rejection(() => reader.send(new UpdateAccessKeyCommand({UserName: 'legacy-admin', AccessKeyId: key.accessKeyId, Status: 'Inactive'})))
    expect(denied.name).to.equal('AccessDenied')
    expect(status(denied)).to.equal(403)
    expect(denied.message).to.match(/is not authorized to perform: iam:UpdateAccessKey on resource: user legacy-admin/)
    const power = await rejection(async () => iam(await role(dev, 'PowerUserAccess')).send(new ListAccessKeysCommand({UserName: 'legacy-admin'})))
    expect(power.name).to.equal('AccessDenied')
    const foreign = await rejection(async () => iam(await role(LANDING_ZONE_ACCOUNT_IDS.security, 'AdministratorAccess')).send(new GetAccessKeyLastUsedCommand({AccessKeyId: key.accessKeyId})))
    expect(foreign.name).to.equal('AccessDenied')
    // Another user's key, even in the same account, is not self-service.
    const other = emulator.createUserAccessKey(dev, 'someone-else')
    expect((await rejection(() => iam(other).send(new ListAccessKeysCommand({UserName: 'legacy-admin'})))).name).to.equal('AccessDenied')
  })

  it('CreateAccessKey up to two keys, then LimitExceeded; DeleteAccessKey removes a key for good', async () => {
    const admin = iam(await role(dev, 'AdministratorAccess'))
    const created = await admin.send(new CreateAccessKeyCommand({UserName: 'legacy-admin'}))
    expect(created.AccessKey?.Status).to.equal('Active')
    expect(created.AccessKey?.SecretAccessKey).to.have.length(40)
    const fresh = {accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey!}
    expect((await sts(fresh).send(new GetCallerIdentityCommand({}))).Arn).to.equal(`arn:aws:iam::${dev}:user/legacy-admin`)
    const limit = await rejection(() => admin.send(new CreateAccessKeyCommand({UserName: 'legacy-admin'})))
    expect(limit.name).to.equal('LimitExceededException') // the SDK's name for the wire's LimitExceeded
    expect(status(limit)).to.equal(409)
    expect(limit.message).to.equal('Cannot exceed quota for AccessKeysPerUser: 2')

    const old = userKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
    await admin.send(new DeleteAccessKeyCommand({UserName: 'legacy-admin', AccessKeyId: old.accessKeyId}))
    expect((await admin.send(new ListAccessKeysCommand({UserName: 'legacy-admin'}))).AccessKeyMetadata?.map((k) => k.AccessKeyId)).to.deep.equal([fresh.accessKeyId])
    expect((await rejection(() => sts(old).send(new GetCallerIdentityCommand({})))).name).to.equal('InvalidClientTokenId')
    const gone = await rejection(() => admin.send(new DeleteAccessKeyCommand({UserName: 'legacy-admin', AccessKeyId: old.accessKeyId})))
    expect(gone.name).to.equal('NoSuchEntityException')
    expect(status(gone)).to.equal(404)
    expect((await rejection(() => admin.send(new GetUserCommand({UserName: 'nobody'})))).name).to.equal('NoSuchEntityException')
    // A user at its limit (old-deployer: an active and an inactive key) cannot get a third.
    const sandboxAdmin = iam(await role(LANDING_ZONE_ACCOUNT_IDS.sandbox, 'AdministratorAccess'))
    expect((await rejection(() => sandboxAdmin.send(new CreateAccessKeyCommand({UserName: 'old-deployer'})))).name).to.equal('LimitExceededException')
  })

  it('IAM requests must be signed for us-east-1 and service iam', async () => {
    const key = userKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
    // Signed for eu-west-1 by the SDK's own signer (an IAM client's signing region with a custom
    // endpoint is the SDK's choice, so sign by hand to be sure of the scope).
    const url = new URL(emulator.url)
    const body = 'Action=GetUser&Version=2010-05-08'
    const signer = new SignatureV4({service: 'iam', region: 'eu-west-1', credentials: key, sha256: NodeSha256})
    const signed = await signer.sign({
      method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/',
      headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8'}, body,
    })
    const answer = await fetch(emulator.url, {method: 'POST', headers: signed.headers as Record<string, string>, body})
    expect(answer.status).to.equal(403)
    expect(await answer.text()).to.include('<Code>SignatureDoesNotMatch</Code>')
    const badSecret = iam({...key, secretAccessKey: (key.secretAccessKey.startsWith('x') ? 'y' : 'x') + key.secretAccessKey.slice(1)})
    expect((await rejection(() => badSecret.send(new GetUserCommand({})))).name).to.equal('SignatureDoesNotMatch')
  })

  it('the SDK IAM client finds the emulator through AWS_ENDPOINT_URL_IAM', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_IAM
    process.env.AWS_ENDPOINT_URL_IAM = emulator.url
    try {
      const client = new IAMClient({region: 'us-east-1', credentials: userKey(LANDING_ZONE_IAM_USERS.legacyAdmin), maxAttempts: 1})
      clients.push(client)
      expect((await client.send(new GetUserCommand({}))).User?.UserName).to.equal('legacy-admin')
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IAM
      else process.env.AWS_ENDPOINT_URL_IAM = saved
    }
  })

  it('GetAccessKeyInfo answers a key\'s account from an Identity Center role, without using the key', async () => {
    const key = userKey(LANDING_ZONE_IAM_USERS.ciBot)
    const info = await sts(await role(LANDING_ZONE_ACCOUNT_IDS.security, 'ReadOnlyAccess')).send(new GetAccessKeyInfoCommand({AccessKeyId: key.accessKeyId}))
    expect(info.Account).to.equal(LANDING_ZONE_ACCOUNT_IDS['shared-services'])
    expect(emulator.iamUser(LANDING_ZONE_ACCOUNT_IDS['shared-services'], 'ci-bot')!.keys[0].lastUsed?.service).to.equal('ecr')
  })

  it('GetSessionToken: 12 h by default, 900..129600 s, only for a long-lived key; its credentials act as the user', async () => {
    const key = userKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
    const out = await sts(key).send(new GetSessionTokenCommand({}))
    const c = out.Credentials!
    expect(c.AccessKeyId).to.match(/^ASIA/)
    expect(c.Expiration!.getTime()).to.equal(Math.floor(clock / 1000) * 1000 + 43_200_000)
    const session = {accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken}
    expect((await sts(session).send(new GetCallerIdentityCommand({}))).Arn).to.equal(`arn:aws:iam::${dev}:user/legacy-admin`)
    expect((await sts(key).send(new GetSessionTokenCommand({DurationSeconds: 129_600}))).Credentials?.Expiration?.getTime()).to.equal(Math.floor(clock / 1000) * 1000 + 129_600_000)
    for (const bad of [899, 129_601]) {
      const e = await rejection(() => sts(key).send(new GetSessionTokenCommand({DurationSeconds: bad})))
      expect(e.name, String(bad)).to.equal('ValidationError')
    }
    expect((await rejection(() => sts(session).send(new GetSessionTokenCommand({})))).message).to.equal('Cannot call GetSessionToken with session credentials')
    expect((await rejection(async () => sts(await role(dev, 'AdministratorAccess')).send(new GetSessionTokenCommand({})))).name).to.equal('AccessDenied')
    // Without MFA, GetSessionToken credentials cannot call IAM (AWS refuses the token).
    expect((await rejection(() => iam(session).send(new GetUserCommand({})))).name).to.equal('InvalidClientTokenId')
    expect(emulator.count('GetSessionToken')).to.equal(6)
  })

  it('MFA: jane.legacy needs a valid TOTP code; a reused or wrong code and a foreign serial are AccessDenied', async () => {
    const jane = emulator.iamUser(LANDING_ZONE_IAM_USERS.janeLegacy.accountId, 'jane.legacy')!
    const key = userKey(LANDING_ZONE_IAM_USERS.janeLegacy)
    const serial = jane.mfa!.serialNumber
    const none = await rejection(() => sts(key).send(new GetSessionTokenCommand({})))
    expect(none.name).to.equal('AccessDenied')
    const code = totpAt(jane.mfa!.seed, clock)
    const out = await sts(key).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: code, DurationSeconds: 3600}))
    expect(out.Credentials?.AccessKeyId).to.match(/^ASIA/)
    const reused = await rejection(() => sts(key).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: code})))
    expect(reused.name).to.equal('AccessDenied')
    expect(reused.message).to.match(/invalid MFA one time pass code/)
    clock += 30_000
    const wrong = String((Number(totpAt(jane.mfa!.seed, clock)) + 7) % 1_000_000).padStart(6, '0')
    expect((await rejection(() => sts(key).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: wrong})))).message).to.match(/invalid MFA one time pass code/)
    const foreign = await rejection(() => sts(key).send(new GetSessionTokenCommand({SerialNumber: `arn:aws:iam::${dev}:mfa/legacy-admin`, TokenCode: totpAt(jane.mfa!.seed, clock)})))
    expect(foreign.message).to.match(/unable to validate MFA code/)
    const malformed = await rejection(() => sts(key).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: '12ab56'})))
    expect(malformed.name).to.equal('ValidationError')
    // The MFA-backed session may call IAM for its own user.
    const s = out.Credentials!
    const me = await iam({accessKeyId: s.AccessKeyId!, secretAccessKey: s.SecretAccessKey!, sessionToken: s.SessionToken}).send(new GetUserCommand({}))
    expect(me.User?.UserName).to.equal('jane.legacy')
  })

  it('AssumeRole of a role whose trust requires MFA: refused without, accepted with a code or from an MFA session (1 h by role chaining)', async () => {
    const jane = emulator.iamUser(LANDING_ZONE_IAM_USERS.janeLegacy.accountId, 'jane.legacy')!
    const key = userKey(LANDING_ZONE_IAM_USERS.janeLegacy)
    const serial = jane.mfa!.serialNumber
    expect((await rejection(() => sts(key).send(new AssumeRoleCommand({RoleArn: MFA_OPS_ROLE_ARN, RoleSessionName: 'ops'})))).name).to.equal('AccessDenied')
    const direct = await sts(key).send(new AssumeRoleCommand({
      RoleArn: MFA_OPS_ROLE_ARN, RoleSessionName: 'ops', SerialNumber: serial, TokenCode: totpAt(jane.mfa!.seed, clock), DurationSeconds: 43_200,
    }))
    expect(direct.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${LANDING_ZONE_IAM_USERS.janeLegacy.accountId}:assumed-role/MfaOps/ops`)
    clock += 30_000
    const mfaSession = (await sts(key).send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: totpAt(jane.mfa!.seed, clock)}))).Credentials!
    const sessionCreds = {accessKeyId: mfaSession.AccessKeyId!, secretAccessKey: mfaSession.SecretAccessKey!, sessionToken: mfaSession.SessionToken}
    const chained = await sts(sessionCreds).send(new AssumeRoleCommand({RoleArn: MFA_OPS_ROLE_ARN, RoleSessionName: 'ops2'}))
    expect(chained.Credentials?.AccessKeyId).to.match(/^ASIA/)
    const tooLong = await rejection(() => sts(sessionCreds).send(new AssumeRoleCommand({RoleArn: MFA_OPS_ROLE_ARN, RoleSessionName: 'ops3', DurationSeconds: 7200})))
    expect(tooLong.message).to.match(/1 hour session limit for roles assumed by role chaining/)
    // A session without MFA does not satisfy the trust policy.
    const tester = emulator.createUserAccessKey(LANDING_ZONE_IAM_USERS.janeLegacy.accountId, 'tester')
    const plain = (await sts(tester).send(new GetSessionTokenCommand({}))).Credentials!
    const plainCreds = {accessKeyId: plain.AccessKeyId!, secretAccessKey: plain.SecretAccessKey!, sessionToken: plain.SessionToken}
    expect((await rejection(() => sts(plainCreds).send(new AssumeRoleCommand({RoleArn: MFA_OPS_ROLE_ARN, RoleSessionName: 'ops4'})))).name).to.equal('AccessDenied')
  })
})
