import {expect} from 'chai'
import {GetRoleCredentialsCommand, SSOClient} from '@aws-sdk/client-sso'
import {AssumeRoleCommand, GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import type {FinalizeHandler, FinalizeHandlerArguments, MetadataBearer} from '@smithy/types'
import {XMLParser} from 'fast-xml-parser'
import {startEmulator, type Emulator} from './emulator.js'
import {rejection, status} from './sdk-errors.js'
import {
  DEPLOYER_ROLE_ARN, DEV_DEPLOYER_ROLE_ARN, EXTERNAL_AUDITOR_EXTERNAL_ID, EXTERNAL_AUDITOR_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS,
} from './organization.js'
import {sdkLogin} from './sdk-login.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

interface Creds {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}


describe('emulator: STS (awsQuery, SigV4 verified) with the SDK client', () => {
  let clock: number
  let emulator: Emulator
  let ssoCreds: Creds
  const clients: STSClient[] = []
  const prod = LANDING_ZONE_ACCOUNT_IDS['workload-prod']
  const sts = (credentials: Creds, maxAttempts = 1) => {
    const client = new STSClient({region: emulator.org.region, endpoint: emulator.url, credentials, maxAttempts})
    clients.push(client)
    return client
  }

  beforeEach(async () => {
    clock = Date.now()
    emulator = await startEmulator({now: () => clock})
    const {accessToken} = await sdkLogin(emulator, {scopes: ['sso:account:access']})
    const sso = new SSOClient({region: emulator.org.region, endpoint: emulator.url})
    const {roleCredentials: rc} = await sso.send(new GetRoleCredentialsCommand({accessToken, accountId: prod, roleName: 'PowerUserAccess'}))
    sso.destroy()
    ssoCreds = {accessKeyId: rc?.accessKeyId as string, secretAccessKey: rc?.secretAccessKey as string, sessionToken: rc?.sessionToken}
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await emulator.close()
  })

  it('GetCallerIdentity names the SSO role session', async () => {
    const id = await sts(ssoCreds).send(new GetCallerIdentityCommand({}))
    expect(id.Account).to.equal(prod)
    expect(id.Arn).to.match(new RegExp(`^arn:aws:sts::${prod}:assumed-role/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}/jane\\.doe@example\\.com$`))
    expect(id.UserId).to.match(/^AROA[A-Z0-9]{17}:jane\.doe@example\.com$/)
    expect(emulator.count('GetCallerIdentity')).to.equal(1)
  })

  it('speaks awsQuery XML in the 2011-06-15 namespace', async () => {
    const res = await fetch(emulator.url, {method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: {'content-type': 'application/x-www-form-urlencoded'}})
    expect(res.status).to.equal(403)
    const text = await res.text()
    expect(text).to.contain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')
    const doc = new XMLParser().parse(text)
    expect(doc.ErrorResponse.Error).to.deep.include({Type: 'Sender', Code: 'MissingAuthenticationToken'})
  })

  it('AssumeRole chains from SSO credentials, capped at one hour, and the new credentials work', async () => {
    const out = await sts(ssoCreds).send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'deploy-1'}))
    expect(out.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${prod}:assumed-role/Deployer/deploy-1`)
    expect(out.AssumedRoleUser?.AssumedRoleId).to.match(/^AROA[A-Z0-9]{17}:deploy-1$/)
    expect(out.Credentials?.AccessKeyId).to.match(/^ASIA/)
    expect(out.Credentials?.Expiration?.getTime()).to.be.closeTo(clock + 3600_000, 1000)
    expect(emulator.count('AssumeRole', DEPLOYER_ROLE_ARN)).to.equal(1)

    const chained = {accessKeyId: out.Credentials?.AccessKeyId as string, secretAccessKey: out.Credentials?.SecretAccessKey as string, sessionToken: out.Credentials?.SessionToken}
    const id = await sts(chained).send(new GetCallerIdentityCommand({}))
    expect(id.Arn).to.equal(`arn:aws:sts::${prod}:assumed-role/Deployer/deploy-1`)

    const tooLong = await rejection(() => sts(ssoCreds).send(new AssumeRoleCommand({RoleArn: DEV_DEPLOYER_ROLE_ARN, RoleSessionName: 'x1', DurationSeconds: 7200})))
    expect(tooLong.name).to.equal('ValidationError')
    expect(tooLong.message).to.contain('1 hour session limit for roles assumed by role chaining')
    expect(status(tooLong)).to.equal(400)
  })

  it('requires the ExternalId where the role says so (AccessDenied otherwise)', async () => {
    const client = sts(ssoCreds)
    const without = await rejection(() => client.send(new AssumeRoleCommand({RoleArn: EXTERNAL_AUDITOR_ROLE_ARN, RoleSessionName: 'audit'})))
    expect(without.name).to.equal('AccessDenied')
    expect(status(without)).to.equal(403)
    expect(without.message).to.match(/is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/ExternalAuditor$/)
    const wrong = await rejection(() => client.send(new AssumeRoleCommand({RoleArn: EXTERNAL_AUDITOR_ROLE_ARN, RoleSessionName: 'audit', ExternalId: 'not-it'})))
    expect(wrong.name).to.equal('AccessDenied')
    const ok = await client.send(new AssumeRoleCommand({RoleArn: EXTERNAL_AUDITOR_ROLE_ARN, RoleSessionName: 'audit', ExternalId: EXTERNAL_AUDITOR_EXTERNAL_ID}))
    expect(ok.Credentials?.AccessKeyId).to.match(/^ASIA/)
    const unknown = await rejection(() => client.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${prod}:role/NoSuchRole`, RoleSessionName: 'audit'})))
    expect(unknown.name).to.equal('AccessDenied')
  })

  it('validates RoleSessionName and DurationSeconds bounds', async () => {
    const client = sts(ssoCreds)
    const name = await rejection(() => client.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'has space'})))
    expect(name.name).to.equal('ValidationError')
    expect(name.message).to.contain("at 'roleSessionName' failed to satisfy constraint")
    const short = await rejection(() => client.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'ok-name', DurationSeconds: 899})))
    expect(short.name).to.equal('ValidationError')
    expect(short.message).to.contain("at 'durationSeconds'")
    const min = await client.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'ok-name', DurationSeconds: 900}))
    expect(min.Credentials?.Expiration?.getTime()).to.be.closeTo(clock + 900_000, 1000)
  })

  it('long-lived user keys are not chained: DurationSeconds up to the role maximum', async () => {
    const user = emulator.createUserAccessKey(LANDING_ZONE_ACCOUNT_IDS.security, 'ci-bot')
    expect(user.accessKeyId).to.match(/^AKIA[A-Z2-7]{16}$/)
    const client = sts(user)
    const id = await client.send(new GetCallerIdentityCommand({}))
    expect(id.Arn).to.equal(`arn:aws:iam::${LANDING_ZONE_ACCOUNT_IDS.security}:user/ci-bot`)
    expect(id.UserId).to.match(/^AIDA/)
    const long = await client.send(new AssumeRoleCommand({RoleArn: EXTERNAL_AUDITOR_ROLE_ARN, RoleSessionName: 'audit', ExternalId: EXTERNAL_AUDITOR_EXTERNAL_ID, DurationSeconds: 7200}))
    expect(long.Credentials?.Expiration?.getTime()).to.be.closeTo(clock + 7_200_000, 1000)
    const overMax = await rejection(() => client.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'x1', DurationSeconds: 7200})))
    expect(overMax.name).to.equal('ValidationError')
    expect(overMax.message).to.contain('MaxSessionDuration')
  })

  it('rejects unknown keys, wrong secrets, wrong session tokens, tampered bodies and expired sessions', async () => {
    const unknown = await rejection(() => sts({accessKeyId: 'ASIAUNKNOWNUNKNOWN12', secretAccessKey: 'x', sessionToken: 'y'}).send(new GetCallerIdentityCommand({})))
    expect(unknown.name).to.equal('InvalidClientTokenId')
    expect(status(unknown)).to.equal(403)
    expect(unknown.message).to.equal('The security token included in the request is invalid.')

    const badSecret = await rejection(() => sts({...ssoCreds, secretAccessKey: ssoCreds.secretAccessKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}).send(new GetCallerIdentityCommand({})))
    expect(badSecret.name).to.equal('SignatureDoesNotMatch')
    expect(status(badSecret)).to.equal(403)

    const otherToken = await rejection(() => sts({...ssoCreds, sessionToken: ssoCreds.sessionToken + 'x'}).send(new GetCallerIdentityCommand({})))
    expect(otherToken.name).to.equal('InvalidClientTokenId')
    const noToken = await rejection(() => sts({accessKeyId: ssoCreds.accessKeyId, secretAccessKey: ssoCreds.secretAccessKey}).send(new GetCallerIdentityCommand({})))
    expect(noToken.name).to.equal('InvalidClientTokenId')

    // Change the body after signing: the payload hash no longer matches.
    const tampering = sts(ssoCreds)
    tampering.middlewareStack.addRelativeTo((next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
      const request = args.request as {body: string}
      request.body = request.body.replace('RoleSessionName=honest', 'RoleSessionName=forged')
      return next(args)
    }, {relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamper'})
    const tampered = await rejection(() => tampering.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'honest'})))
    expect(tampered.name).to.equal('SignatureDoesNotMatch')
    expect(emulator.count('AssumeRole', DEPLOYER_ROLE_ARN)).to.equal(1)

    clock += 3601 * 1000
    const expired = await rejection(() => sts(ssoCreds).send(new GetCallerIdentityCommand({})))
    expect(expired.name).to.equal('ExpiredToken')
    expect(status(expired)).to.equal(400)
  })

  it('AssumeRole takes SourceIdentity, Tags and TransitiveTagKeys; the next hop inherits the identity and the transitive tags', async () => {
    const out = await sts(ssoCreds).send(new AssumeRoleCommand({
      RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'deploy-1', SourceIdentity: 'jane@example.com',
      Tags: [{Key: 'team', Value: 'payments'}, {Key: 'cost-center', Value: '12 34'}, {Key: 'Ünïcode', Value: ''}],
      TransitiveTagKeys: ['team'],
    }))
    expect(out.SourceIdentity).to.equal('jane@example.com')
    expect(out.PackedPolicySize).to.be.a('number').above(0)
    const [first] = emulator.assumeRoleCalls()
    expect(first).to.deep.include({roleArn: DEPLOYER_ROLE_ARN, roleSessionName: 'deploy-1'})
    expect(first.callerArn).to.include('assumed-role/AWSReservedSSO_PowerUserAccess_')
    expect(first.request).to.deep.equal({
      sourceIdentity: 'jane@example.com',
      tags: [{key: 'team', value: 'payments'}, {key: 'cost-center', value: '12 34'}, {key: 'Ünïcode', value: ''}],
      transitiveTagKeys: ['team'],
    })

    const chained = {accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken}
    const next = await sts(chained).send(new AssumeRoleCommand({RoleArn: DEV_DEPLOYER_ROLE_ARN, RoleSessionName: 'deploy-2', Tags: [{Key: 'stage', Value: 'dev'}]}))
    expect(next.SourceIdentity).to.equal('jane@example.com')
    const second = emulator.assumeRoleCalls()[1]
    expect(second.request).to.deep.equal({tags: [{key: 'stage', value: 'dev'}], transitiveTagKeys: []})
    expect(second.session).to.deep.equal({sourceIdentity: 'jane@example.com', tags: {team: 'payments', stage: 'dev'}, transitiveTagKeys: ['team']})

    const override = await rejection(() => sts(chained).send(new AssumeRoleCommand({RoleArn: DEV_DEPLOYER_ROLE_ARN, RoleSessionName: 'deploy-3', Tags: [{Key: 'TEAM', Value: 'search'}]})))
    expect(override.name).to.equal('InvalidParameterValue')
    expect(override.message).to.contain('transitive tag of the calling session')
    const changed = await rejection(() => sts(chained).send(new AssumeRoleCommand({RoleArn: DEV_DEPLOYER_ROLE_ARN, RoleSessionName: 'deploy-3', SourceIdentity: 'bob'})))
    expect(changed.name).to.equal('AccessDenied')
    expect(status(changed)).to.equal(403)
    expect(emulator.assumeRoleCalls()).to.have.length(2)
  })

  it('validates session tags, transitive keys and SourceIdentity as STS does', async () => {
    const client = sts(ssoCreds)
    const call = (input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>) =>
      rejection(() => client.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'tagged', ...input})))
    const cases: Array<[Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>, string, string]> = [
      [{Tags: Array.from({length: 51}, (_, i) => ({Key: `k${i}`, Value: 'v'}))}, 'ValidationError', "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"],
      [{Tags: [{Key: 'k'.repeat(129), Value: 'v'}]}, 'ValidationError', "at 'tags.1.member.key'"],
      [{Tags: [{Key: 'ok', Value: 'v'.repeat(257)}]}, 'ValidationError', "at 'tags.1.member.value'"],
      [{Tags: [{Key: 'bad!', Value: 'v'}]}, 'ValidationError', "at 'tags.1.member.key'"],
      [{Tags: [{Key: 'a', Value: '1'}, {Key: 'A', Value: '2'}]}, 'InvalidParameterValue', 'Duplicate tag keys'],
      [{Tags: [{Key: 'a', Value: '1'}], TransitiveTagKeys: ['b']}, 'InvalidParameterValue', 'transitive tag key must be included in the requested tags'],
      [{TransitiveTagKeys: ['a']}, 'InvalidParameterValue', 'transitive tag key must be included'],
      [{SourceIdentity: 'x'}, 'ValidationError', "at 'sourceIdentity'"],
      [{SourceIdentity: 'has space'}, 'ValidationError', "at 'sourceIdentity'"],
      [{SourceIdentity: 'aws:me'}, 'ValidationError', "at 'sourceIdentity'"],
    ]
    for (const [input, name, message] of cases) {
      const error = await call(input)
      expect(error.name, message).to.equal(name)
      expect(error.message).to.contain(message)
      expect(status(error)).to.equal(400)
    }
    const fifty = await client.send(new AssumeRoleCommand({
      RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'tagged',
      Tags: Array.from({length: 50}, (_, i) => ({Key: i === 0 ? 'k'.repeat(128) : `k${i}`, Value: i === 0 ? 'v'.repeat(256) : 'v'})),
      TransitiveTagKeys: ['k1', 'K2'],
    }))
    expect(fifty.Credentials?.AccessKeyId).to.match(/^ASIA/)
    expect(emulator.assumeRoleCalls()).to.have.length(1)
  })

  it('throttles with awsQuery Throttling, which the SDK retries, and fails with 5xx on request', async () => {
    emulator.setFault('GetCallerIdentity', {ratePerSecond: 0})
    const throttled = await rejection(() => sts(ssoCreds, 2).send(new GetCallerIdentityCommand({})))
    expect(throttled.name).to.equal('Throttling')
    expect(emulator.count('Throttled', 'GetCallerIdentity')).to.equal(2)
    emulator.setFault('GetCallerIdentity', {failNext: 1})
    const ok = await sts(ssoCreds, 2).send(new GetCallerIdentityCommand({}))
    expect(ok.$metadata.attempts).to.equal(2)
    expect(emulator.count('Failed5xx', 'GetCallerIdentity')).to.equal(1)
  })
})
