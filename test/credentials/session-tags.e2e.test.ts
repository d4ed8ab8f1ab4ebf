import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {DEPLOYER_ROLE_ARN, DEV_DEPLOYER_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS as ids} from '../emulator/organization.js'
import {REPO_ROOT} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'
import {errorLines} from '../commands/sign-in-fixture.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'
import {credentialProcessLine} from './profiles-config.js'

const run = promisify(execFile)
const JS_SDK = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'js-sdk.mjs')

const chain = (name: string, lines: string) => `[profile ${name}]\nrole_arn = ${DEPLOYER_ROLE_ARN}\nsource_profile = prod-power\nregion = eu-west-1\n${lines}\n[profile ${name}-cli]\nregion = eu-west-1\n${credentialProcessLine(name)}\n`

describe('role chains as organizations configure them: session tags, source identity, credential_source (built CLI, emulator STS, the JS SDK)', function () {
  this.timeout(120_000)
  let s: SignedIn

  before(async () => {
    s = await signedInSandbox()
    await s.sb.writeConfig([
      ssoSessionConfig(s.emulator, {name: 'corp'}),
      `[profile prod-power]\nkeyless_session = corp\nkeyless_account_id = ${ids['workload-prod']}\nkeyless_role_name = PowerUserAccess\nregion = eu-west-1\n`,
      chain('tagged', 'role_session_name = jane\nsource_identity = jane@example.com\nsession_tags = team=payments, cost-center=12 34\ntransitive_session_tags = team'),
      chain('tagged-other', 'role_session_name = jane\nsource_identity = jane@example.com\nsession_tags = team=search, cost-center=12 34\ntransitive_session_tags = team'),
      chain('tagged-reordered', 'role_session_name = jane\nsource_identity = jane@example.com\nsession_tags = cost-center=12 34,team=payments\ntransitive_session_tags = TEAM'),
      `[profile tagged-next]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\nsource_profile = tagged\nsession_tags = stage=dev\nregion = eu-west-1\n`,
      chain('bad-transitive', 'session_tags = team=payments\ntransitive_session_tags = owner'),
      `[profile ci]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\ncredential_source = Environment\nrole_session_name = ci-run\nduration_seconds = 7200\nsession_tags = pipeline=release\nregion = eu-west-1\n`,
      `[profile on-ec2]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\ncredential_source = Ec2InstanceMetadata\n`,
    ].join('\n'))
  })
  after(() => s?.cleanup())

  const assumeRoles = () => s.emulator.assumeRoleCalls()

  it('passes role_session_name, source_identity, session_tags and transitive_session_tags to AssumeRole; the SDK\'s fromProcess gets that session', async () => {
    const r = await s.sb.run(['credential-process', '--profile', 'tagged'])
    expect(r.code, r.stderr).to.equal(0)
    const [call] = assumeRoles()
    expect(call).to.deep.include({roleArn: DEPLOYER_ROLE_ARN, roleSessionName: 'jane'})
    expect(call.request).to.deep.equal({
      sourceIdentity: 'jane@example.com',
      tags: [{key: 'team', value: 'payments'}, {key: 'cost-center', value: '12 34'}],
      transitiveTagKeys: ['team'],
    })
    const sdk = await run(process.execPath, [JS_SDK, 'process', 'tagged-cli'], {env: {...s.sb.env, AWS_REGION: 'eu-west-1'}})
    const out = JSON.parse(sdk.stdout) as {Arn: string; accessKeyId: string}
    expect(out.Arn).to.equal(`arn:aws:sts::${ids['workload-prod']}:assumed-role/Deployer/jane`)
    expect(out.accessKeyId).to.equal(JSON.parse(r.stdout).AccessKeyId)
    // Served from the cache (the same key on the fast path and the full path): no second AssumeRole.
    expect(assumeRoles()).to.have.length(1)
  })

  it('different tags never share cached credentials; the same tags in another order do', async () => {
    const first = JSON.parse((await s.sb.run(['credential-process', '--profile', 'tagged'])).stdout).AccessKeyId
    const other = await s.sb.run(['credential-process', '--profile', 'tagged-other'])
    expect(other.code, other.stderr).to.equal(0)
    expect(JSON.parse(other.stdout).AccessKeyId).not.to.equal(first)
    expect(assumeRoles()).to.have.length(2)
    expect(assumeRoles()[1].request.tags).to.deep.include({key: 'team', value: 'search'})
    const reordered = await s.sb.run(['credential-process', '--profile', 'tagged-reordered'])
    expect(JSON.parse(reordered.stdout).AccessKeyId).to.equal(first)
    expect(assumeRoles()).to.have.length(2)
  })

  it('the next hop of a chain carries the transitive tag and the source identity (as STS passes them on)', async () => {
    const r = await s.sb.run(['credential-process', '--profile', 'tagged-next'])
    expect(r.code, r.stderr).to.equal(0)
    const last = assumeRoles().at(-1)!
    expect(last.roleArn).to.equal(DEV_DEPLOYER_ROLE_ARN)
    expect(last.session).to.deep.equal({sourceIdentity: 'jane@example.com', tags: {team: 'payments', stage: 'dev'}, transitiveTagKeys: ['team']})
  })

  it('credential_source = Environment signs the first hop with the keys in the environment (not chained: 2 hours allowed)', async () => {
    const key = s.emulator.createUserAccessKey(ids.security, 'ci-bot')
    const env = {AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey}
    const r = await s.sb.run(['credential-process', '--profile', 'ci'], {env})
    expect(r.code, r.stderr).to.equal(0)
    const last = assumeRoles().at(-1)!
    expect(last).to.deep.include({roleArn: DEV_DEPLOYER_ROLE_ARN, roleSessionName: 'ci-run', callerArn: `arn:aws:iam::${ids.security}:user/ci-bot`})
    expect(last.request.tags).to.deep.equal([{key: 'pipeline', value: 'release'}])
    expect(Date.parse(JSON.parse(r.stdout).Expiration) - Date.now()).to.be.above(6000_000)
    const count = assumeRoles().length
    // Cached under the environment key's id: the same environment is a hit, another key a miss.
    expect((await s.sb.run(['credential-process', '--profile', 'ci'], {env})).code).to.equal(0)
    expect(assumeRoles()).to.have.length(count)
    const other = s.emulator.createUserAccessKey(ids.security, 'other-bot')
    expect((await s.sb.run(['credential-process', '--profile', 'ci'], {env: {AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey}})).code).to.equal(0)
    expect(assumeRoles()).to.have.length(count + 1)
    expect(assumeRoles().at(-1)!.callerArn).to.equal(`arn:aws:iam::${ids.security}:user/other-bot`)
  })

  it('refuses in one line: no keys in the environment, Ec2InstanceMetadata, transitive keys that are not tags — and calls no AssumeRole', async () => {
    const count = assumeRoles().length
    const cases: Array<[string, number, string]> = [
      ['ci', 2, 'Profile "ci" uses credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.'],
      ['on-ec2', 1, 'Profile "on-ec2" uses credential_source = Ec2InstanceMetadata, which keyless does not serve (only Environment).'],
      ['bad-transitive', 2, 'Profile "bad-transitive" has invalid transitive_session_tags: transitive key "owner" is not one of the session_tags.'],
    ]
    for (const [profile, exit, line] of cases) {
      const r = await s.sb.run(['credential-process', '--profile', profile])
      expect(r.code, r.stderr).to.equal(exit)
      expect(r.stdout).to.equal('')
      expect(errorLines(r.stderr)).to.have.length(1)
      expect(errorLines(r.stderr)[0]).to.include(line)
    }
    expect(assumeRoles()).to.have.length(count)
  })
})
