import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {startEmulator, type Emulator} from './emulator.js'
import {EXTERNAL_AUDITOR_EXTERNAL_ID, EXTERNAL_AUDITOR_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS} from './organization.js'

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
  const aws = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => new Promise((resolve) => {
    const base: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', LANG: 'C.UTF-8'}
    execFile(AWS, [...args, '--endpoint-url', emulator.url, '--region', emulator.org.region, '--no-cli-pager', '--output', 'json'],
      {env: {...base, ...env}, timeout: 30_000},
      (error, stdout, stderr) => resolve({code: error ? Number(error.code ?? 1) : 0, stdout, stderr}))
  })
  const awsJson = async (args: string[], env?: NodeJS.ProcessEnv) => {
    const r = await aws(args, env)
    expect(r.code, r.stderr).to.equal(0)
    return JSON.parse(r.stdout)
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

    const badSig = await aws(['sts', 'get-caller-identity'], {...credsEnv, AWS_SECRET_ACCESS_KEY: 'x' + rc.secretAccessKey.slice(1)})
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
})
