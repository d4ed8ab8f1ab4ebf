import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {startEmulator, type Emulator} from './emulator.js'
import {Secret, TOTP} from 'otpauth'
import {EXTERNAL_AUDITOR_EXTERNAL_ID, EXTERNAL_AUDITOR_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS, LANDING_ZONE_IAM_USERS} from './organization.js'

// Debian's AWS CLI v2.9.19 (an older `aws` may come first on PATH). It ignores AWS_ENDPOINT_URL_*,
// so every call names --endpoint-url.
const AWS = '/usr/bin/aws'

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

describe('emulator: the real AWS CLI (/usr/bin/aws) over the wire', function () {
  this.timeout(60_000)
  let emulator: Emulator
  let home: string

  // Async, never execFileSync: the emulator answers from this very process.
  const aws = (args: string[], env: NodeJS.ProcessEnv = {}, region = emulator.org.region): Promise<CliResult> => new Promise((resolve) => {
    const base: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', LANG: 'C.UTF-8'}
    execFile(AWS, [...args, '--endpoint-url', emulator.url, '--region', region, '--no-cli-pager', '--output', 'json'],
      {env: {...base, ...env}, timeout: 30_000},
      (error, stdout, stderr) => resolve({code: error ? Number(error.code ?? 1) : 0, stdout, stderr}))
  })
  const awsJson = async (args: string[], env?: NodeJS.ProcessEnv, region?: string) => {
    const r = await aws(args, env, region)
    expect(r.code, r.stderr).to.equal(0)
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)
  }

  before(async () => {
    emulator = await startEmulator()
    home = await mkdtemp(join(tmpdir(), 'keyless-awscli-'))
  })
  after(async () => {
    await emulator.close()
    await rm(home, {recursive: true, force: true})
  })

  it('registers, signs in with the device flow, lists accounts, gets role credentials and calls STS with them', async () => {
    const reg = await awsJson(['sso-oidc', 'register-client', '--client-name', 'aws-cli-test', '--client-type', 'public', '--scopes', 'sso:account:access'])
    expect(reg.clientId).to.be.a('string')
    expect(reg.clientSecretExpiresAt).to.be.a('number')

    const device = await awsJson(['sso-oidc', 'start-device-authorization', '--client-id', reg.clientId, '--client-secret', reg.clientSecret, '--start-url', emulator.org.startUrl])
    expect(device.interval).to.equal(1)
    const tokenArgs = ['sso-oidc', 'create-token', '--client-id', reg.clientId, '--client-secret', reg.clientSecret,
      '--grant-type', 'urn:ietf:params:oauth:grant-type:device_code', '--device-code', device.deviceCode]
    const pending = await aws(tokenArgs)
    expect(pending.code).to.not.equal(0)
    expect(pending.stderr).to.contain('AuthorizationPendingException')
    expect((await fetch(device.verificationUriComplete)).status).to.equal(200)
    const token = await awsJson(tokenArgs)
    expect(token.refreshToken).to.be.a('string')

    const accounts = await awsJson(['sso', 'list-accounts', '--access-token', token.accessToken])
    expect(accounts.accountList.map((a: {accountName: string}) => a.accountName)).to.include.members(['security', 'workload-prod', 'sandbox'])
    const roles = await awsJson(['sso', 'list-account-roles', '--access-token', token.accessToken, '--account-id', LANDING_ZONE_ACCOUNT_IDS.security])
    expect(roles.roleList.map((r: {roleName: string}) => r.roleName)).to.deep.equal(['AdministratorAccess', 'ReadOnlyAccess'])

    const {roleCredentials: rc} = await awsJson(['sso', 'get-role-credentials', '--access-token', token.accessToken,
      '--account-id', LANDING_ZONE_ACCOUNT_IDS.security, '--role-name', 'ReadOnlyAccess'])
    expect(rc.expiration).to.be.closeTo(Date.now() + 3600_000, 60_000)
    const credsEnv = {AWS_ACCESS_KEY_ID: rc.accessKeyId, AWS_SECRET_ACCESS_KEY: rc.secretAccessKey, AWS_SESSION_TOKEN: rc.sessionToken}
    const id = await awsJson(['sts', 'get-caller-identity'], credsEnv)
    expect(id.Account).to.equal(LANDING_ZONE_ACCOUNT_IDS.security)
    expect(id.Arn).to.match(/:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/jane\.doe@example\.com$/)

    const assumed = await awsJson(['sts', 'assume-role', '--role-arn', EXTERNAL_AUDITOR_ROLE_ARN, '--role-session-name', 'cli-audit',
      '--external-id', EXTERNAL_AUDITOR_EXTERNAL_ID], credsEnv)
    expect(assumed.AssumedRoleUser.Arn).to.equal(`arn:aws:sts::${LANDING_ZONE_ACCOUNT_IDS.security}:assumed-role/ExternalAuditor/cli-audit`)

    const forbidden = await aws(['sso', 'get-role-credentials', '--access-token', token.accessToken, '--account-id', LANDING_ZONE_ACCOUNT_IDS.sandbox, '--role-name', 'ReadOnlyAccess'])
    expect(forbidden.stderr).to.contain('(ForbiddenException)').and.contain('No access')

    const badSig = await aws(['sts', 'get-caller-identity'], {...credsEnv, AWS_SECRET_ACCESS_KEY: (rc.secretAccessKey.startsWith('x') ? 'y' : 'x') + rc.secretAccessKey.slice(1)})
    expect(badSig.code).to.not.equal(0)
    expect(badSig.stderr).to.contain('(SignatureDoesNotMatch)')

    expect(emulator.count('GetCallerIdentity')).to.equal(2)
    expect(emulator.count('GetRoleCredentials', `${LANDING_ZONE_ACCOUNT_IDS.security}/ReadOnlyAccess`)).to.equal(1)
  })

  it('accepts a long-lived user key signed by the AWS CLI', async () => {
    const key = emulator.createUserAccessKey(LANDING_ZONE_ACCOUNT_IDS['shared-services'], 'legacy-deployer')
    const id = await awsJson(['sts', 'get-caller-identity'], {AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey})
    expect(id.Arn).to.equal(`arn:aws:iam::${LANDING_ZONE_ACCOUNT_IDS['shared-services']}:user/legacy-deployer`)
  })

  it('manages IAM user keys (iam get-user, list-access-keys, get-access-key-last-used, update/create/delete-access-key) and gets MFA sessions', async function () {
    this.timeout(300_000) // 14 AWS CLI runs, each a Python start
    const {accountId} = LANDING_ZONE_IAM_USERS.oldDeployer
    const user = emulator.iamUser(accountId, 'old-deployer')!
    const [active, inactive] = user.keys
    const keyEnv = {AWS_ACCESS_KEY_ID: active.accessKeyId, AWS_SECRET_ACCESS_KEY: active.secretAccessKey}
    const iam = (args: string[]) => awsJson(['iam', ...args], keyEnv, 'us-east-1')

    expect((await iam(['get-user'])).User.Arn).to.equal(`arn:aws:iam::${accountId}:user/old-deployer`)
    const listed = await iam(['list-access-keys'])
    expect(listed.AccessKeyMetadata.map((k: {AccessKeyId: string; Status: string}) => [k.AccessKeyId, k.Status]))
      .to.deep.equal([[active.accessKeyId, 'Active'], [inactive.accessKeyId, 'Inactive']])
    const last = await iam(['get-access-key-last-used', '--access-key-id', inactive.accessKeyId])
    expect(last.AccessKeyLastUsed.ServiceName).to.equal('iam')
    const limit = await aws(['iam', 'create-access-key'], keyEnv, 'us-east-1')
    expect(limit.stderr).to.contain('(LimitExceeded)').and.contain('Cannot exceed quota for AccessKeysPerUser: 2')

    // The old inactive key cannot sign anything; delete it, then a second key can be created.
    const dead = await aws(['sts', 'get-caller-identity'], {AWS_ACCESS_KEY_ID: inactive.accessKeyId, AWS_SECRET_ACCESS_KEY: inactive.secretAccessKey})
    expect(dead.stderr).to.contain('(InvalidClientTokenId)')
    await iam(['delete-access-key', '--access-key-id', inactive.accessKeyId])
    const created = await iam(['create-access-key'])
    expect(created.AccessKey.Status).to.equal('Active')
    await iam(['update-access-key', '--access-key-id', created.AccessKey.AccessKeyId, '--status', 'Inactive'])
    const missing = await aws(['iam', 'delete-access-key', '--access-key-id', inactive.accessKeyId], keyEnv, 'us-east-1')
    expect(missing.stderr).to.contain('(NoSuchEntity)')

    const info = await awsJson(['sts', 'get-access-key-info', '--access-key-id', created.AccessKey.AccessKeyId], keyEnv)
    expect(info.Account).to.equal(accountId)

    const jane = emulator.iamUser(LANDING_ZONE_IAM_USERS.janeLegacy.accountId, 'jane.legacy')!
    const janeEnv = {AWS_ACCESS_KEY_ID: jane.keys[0].accessKeyId, AWS_SECRET_ACCESS_KEY: jane.keys[0].secretAccessKey}
    const refused = await aws(['sts', 'get-session-token'], janeEnv)
    expect(refused.stderr).to.contain('(AccessDenied)')
    const code = new TOTP({secret: Secret.fromBase32(jane.mfa!.seed), algorithm: 'SHA1', digits: 6, period: 30}).generate()
    const session = await awsJson(['sts', 'get-session-token', '--serial-number', jane.mfa!.serialNumber, '--token-code', code, '--duration-seconds', '3600'], janeEnv)
    expect(session.Credentials.AccessKeyId).to.match(/^ASIA/)
    expect(Date.parse(session.Credentials.Expiration)).to.be.closeTo(Date.now() + 3600_000, 60_000)
    const again = await aws(['sts', 'get-session-token', '--serial-number', jane.mfa!.serialNumber, '--token-code', code], janeEnv)
    expect(again.stderr).to.contain('(AccessDenied)').and.contain('invalid MFA one time pass code')
    const whoami = await awsJson(['sts', 'get-caller-identity'], {
      AWS_ACCESS_KEY_ID: session.Credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: session.Credentials.SecretAccessKey, AWS_SESSION_TOKEN: session.Credentials.SessionToken,
    })
    expect(whoami.Arn).to.equal(jane.arn)
  })
})
