import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {expect} from 'chai'
import {EXTERNAL_AUDITOR_ROLE_ARN} from '../emulator/organization.js'
import type {Sandbox} from '../helpers/sandbox.js'
import {ids, profilesSandbox} from '../credentials/profiles-config.js'

// Real clients nobody here wrote consume keyless: Debian's AWS CLI v2 (/usr/bin/aws; an older `aws`
// may come first on PATH), Debian's boto3, and the AWS SDK for JavaScript v3.
const AWS = '/usr/bin/aws'
const PYTHON = '/usr/bin/python3'
const fixtures = join(import.meta.dirname, 'fixtures')

interface Result {
  code: number
  stdout: string
  stderr: string
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, {env, timeout: 90_000}, (error, stdout, stderr) =>
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr}))
  })
}

describe('interop: real AWS clients use keyless', function () {
  this.timeout(180_000)
  let sb: Sandbox
  const cliEnv = () => ({...sb.env, AWS_PAGER: '', LANG: 'C.UTF-8'})
  const aws = (args: string[]) => run(AWS, [...args, '--endpoint-url', sb.emulator.url, '--output', 'json', '--no-cli-pager'], cliEnv())
  const processJson = async (profile: string) => {
    const r = await sb.run(['credential-process', '--profile', profile])
    expect(r.code, r.stderr).to.equal(0)
    return JSON.parse(r.stdout) as {AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string}
  }

  before(async () => {
    sb = await profilesSandbox()
  })
  after(async () => {
    await sb?.cleanup()
  })
  afterEach(() => {
    sb.emulator.setLifetimes({roleCredentialSeconds: 3600})
  })

  describe('credential_process', () => {
    it('the AWS CLI signs with credentials from keyless, and the emulator verifies the signature', async () => {
      const before = sb.emulator.count('GetCallerIdentity')
      const r = await aws(['sts', 'get-caller-identity', '--profile', 'dev'])
      expect(r.code, r.stderr).to.equal(0)
      const id = JSON.parse(r.stdout)
      expect(id.Account).to.equal(ids['workload-dev'])
      expect(id.Arn).to.match(/:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/jane\.doe@example\.com$/)
      expect(sb.emulator.count('GetCallerIdentity')).to.equal(before + 1)
      // A second AWS CLI run reuses the cached role: still one GetRoleCredentials.
      expect((await aws(['sts', 'get-caller-identity', '--profile', 'dev'])).code).to.equal(0)
      expect(sb.emulator.count('GetRoleCredentials', `${ids['workload-dev']}/ReadOnlyAccess`)).to.equal(1)
    })

    it('the AWS CLI uses a chained profile with an external id (keyless does the AssumeRole)', async () => {
      const r = await aws(['sts', 'get-caller-identity', '--profile', 'auditor-cli'])
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout).Arn).to.match(new RegExp(`^arn:aws:sts::${ids.security}:assumed-role/ExternalAuditor/keyless-\\d+$`))
      expect(sb.emulator.count('AssumeRole', EXTERNAL_AUDITOR_ROLE_ARN)).to.equal(1)
      expect((await aws(['sts', 'get-caller-identity', '--profile', 'auditor-cli'])).code).to.equal(0)
      expect(sb.emulator.count('AssumeRole', EXTERNAL_AUDITOR_ROLE_ARN)).to.equal(1)
    })

    it('the AWS CLI shows keyless\'s one-line error when the role is not assigned', async () => {
      const r = await run(AWS, ['sts', 'get-caller-identity', '--profile', 'sandbox-ro', '--endpoint-url', sb.emulator.url], cliEnv())
      expect(r.code).to.not.equal(0)
      expect(r.stderr).to.include(`role ReadOnlyAccess in account ${ids.sandbox}`)
    })

    it('boto3 gets the same credentials and calls STS with them', async () => {
      const expected = await processJson('prod-ro')
      const r = await run(PYTHON, [join(fixtures, 'boto3_client.py'), 'prod-ro', sb.emulator.url], sb.env)
      expect(r.code, r.stderr).to.equal(0)
      const got = JSON.parse(r.stdout)
      expect(got).to.deep.include({accessKeyId: expected.AccessKeyId, secretAccessKey: expected.SecretAccessKey, sessionToken: expected.SessionToken})
      expect(got.Account).to.equal(ids['workload-prod'])
    })

    for (const mode of ['process', 'ini'] as const) {
      it(`the JS SDK's from${mode === 'process' ? 'Process' : 'Ini'} gets the same credentials and calls STS with them`, async () => {
        const expected = await processJson('security-ro')
        const r = await run(process.execPath, [join(fixtures, 'js-sdk.mjs'), mode, 'security-ro'], sb.env)
        expect(r.code, r.stderr).to.equal(0)
        const got = JSON.parse(r.stdout)
        expect(got).to.deep.include({accessKeyId: expected.AccessKeyId, secretAccessKey: expected.SecretAccessKey, sessionToken: expected.SessionToken, expiration: expected.Expiration})
        expect(got.Account).to.equal(ids.security)
      })
    }
  })

  describe('exec', () => {
    it('the AWS CLI runs under keyless exec with the keys in its environment', async () => {
      const r = await sb.run(['exec', 'test-power', '--', AWS, 'sts', 'get-caller-identity', '--endpoint-url', sb.emulator.url, '--output', 'json'], {env: {AWS_PAGER: ''}})
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout).Arn).to.include('AWSReservedSSO_PowerUserAccess')
    })

    it('the AWS CLI uses the exec --server endpoint (container credentials)', async () => {
      const r = await sb.run(['exec', 'network-admin', '--server', '--', AWS, 'sts', 'get-caller-identity', '--endpoint-url', sb.emulator.url, '--output', 'json'], {env: {AWS_PAGER: ''}})
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout).Account).to.equal(ids.network)
    })

    for (const mode of ['container', 'http'] as const) {
      it(`the JS SDK's ${mode === 'container' ? 'fromContainerMetadata' : 'fromHttp'} fetches from exec --server and refetches after expiry`, async () => {
        sb.emulator.setLifetimes({roleCredentialSeconds: 3})
        const profile = mode === 'container' ? 'security-admin' : 'shared-ro'
        const r = await sb.run(['exec', profile, '--server', '--', process.execPath, join(fixtures, 'js-sdk.mjs'), mode, '4000'])
        expect(r.code, r.stderr).to.equal(0)
        const [first, second] = r.stdout.trim().split('\n').map((line) => JSON.parse(line))
        expect(first.accessKeyId).to.match(/^ASIA/)
        expect(second.accessKeyId).to.not.equal(first.accessKeyId)
        expect(Date.parse(second.expiration)).to.be.greaterThan(Date.parse(first.expiration))
        expect(first.Account).to.equal(second.Account)
      })
    }
  })
})
