import {readFileSync} from 'node:fs'
import {expect} from 'chai'
import {loadAwsConfig} from '../../src/config/load-aws-config.js'
import {UsageError} from '../../src/errors.js'
import {allKinds, allKindsCredentials, crlfNoFinalNewline, kitchenSink} from './fixtures.js'
import {tempAws, type TempAws} from './helpers.js'
import {rejection} from '../helpers/rejection.js'

describe('loadAwsConfig', () => {
  let aws: TempAws | undefined
  afterEach(() => aws?.cleanup())

  it('reads profiles, sso-sessions and credentials as the SDK loader does', async () => {
    aws = tempAws({config: kitchenSink, credentials: allKindsCredentials})
    const config = await loadAwsConfig(aws)
    expect(Object.keys(config.profiles)).to.deep.equal(['default', 'dev', 'unicode-values', 'acme.admin'])
    expect(config.profiles.default).to.deep.equal({region: 'eu-central-1', output: 'json'})
    expect(config.profiles.dev).to.deep.equal({region: 'eu-west-1'})
    expect(config.profiles['unicode-values'].description).to.equal('Ärger mit Ümlauten — and “quotes” 🚀')
    expect(config.profiles['acme.admin']).to.deep.equal({
      sso_session: 'corp',
      sso_account_id: '111111111111',
      sso_role_name: 'AdministratorAccess',
      region: 'us-east-2',
    })
    expect(config.ssoSessions).to.deep.equal({
      corp: {
        sso_start_url: 'https://d-1234567890.awsapps.com/start',
        sso_region: 'us-east-1',
        sso_registration_scopes: 'sso:account:access',
      },
    })
    expect(config.credentials['old-user']).to.deep.equal({
      aws_access_key_id: 'AKIAOLDUSEROLDUSER00',
      aws_secret_access_key: 'oldsecret',
      region: 'sa-east-1',
    })
    expect(config.configFile).to.equal(aws.configFile)
  })

  it('reads a CRLF file without a final newline', async () => {
    aws = tempAws({config: crlfNoFinalNewline})
    const config = await loadAwsConfig(aws)
    expect(config.profiles.dev.credential_process).to.equal('keyless credential-process --profile dev')
    expect(config.ssoSessions.corp.sso_region).to.equal('eu-central-1')
  })

  it('treats missing files as empty', async () => {
    aws = tempAws()
    expect(await loadAwsConfig(aws)).to.deep.include({profiles: {}, ssoSessions: {}, credentials: {}})
  })

  it('keeps a profile without keys (the SDK drops it) so that it resolves as "has nothing to serve"', async () => {
    aws = tempAws({config: '[profile empty]\n# nothing yet\n'})
    expect((await loadAwsConfig(aws)).profiles).to.deep.equal({empty: {}})
  })

  it('sees a file changed between two loads (no stale SDK cache)', async () => {
    aws = tempAws({config: '[profile a]\nregion = us-east-1\n'})
    expect((await loadAwsConfig(aws)).profiles.a.region).to.equal('us-east-1')
    const {writeFileSync} = await import('node:fs')
    writeFileSync(aws.configFile, '[profile a]\nregion = eu-west-1\n[sso-session s]\nsso_region = eu-west-1\n')
    const again = await loadAwsConfig(aws)
    expect(again.profiles.a.region).to.equal('eu-west-1')
    expect(again.ssoSessions.s.sso_region).to.equal('eu-west-1')
  })

  it('rejects a malformed config file with one line naming file and line, and changes nothing', async () => {
    const broken = allKinds.replace('[profile native]\n', '[profile native]\nthis line is garbage\n')
    aws = tempAws({config: broken})
    const error = await rejection(loadAwsConfig(aws))
    expect(error).to.be.instanceOf(UsageError)
    const line = broken.split('\n').indexOf('this line is garbage') + 1
    expect(error.message).to.equal(`Malformed AWS config file ${aws.configFile} line ${line}: "this line is garbage" is not "key = value".`)
    expect(error.message).to.not.include('\n')
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(broken)
  })

  it('rejects a malformed credentials file naming it', async () => {
    aws = tempAws({config: allKinds, credentials: 'aws_access_key_id = AKIAORPHAN\n[x]\n'})
    const error = await rejection(loadAwsConfig(aws))
    expect(error).to.be.instanceOf(UsageError)
    expect(error.message).to.include(`${aws.credentialsFile} line 1`)
    expect(error.message).to.include('outside any [section]')
  })

  it('rejects a file the SDK would empty silently (a __proto__ profile)', async () => {
    aws = tempAws({config: '[profile ok]\nregion = us-east-1\n[profile __proto__]\nx = 1\n'})
    const error = await rejection(loadAwsConfig(aws))
    expect(error).to.be.instanceOf(UsageError)
    expect(error.message).to.include('line 3')
  })

  it('reports an unreadable file clearly', async () => {
    aws = tempAws()
    const error = await rejection(loadAwsConfig({configFile: aws.dir, credentialsFile: aws.credentialsFile}))
    expect(error.message).to.match(new RegExp(`^Cannot read ${aws.dir}: `))
  })
})
