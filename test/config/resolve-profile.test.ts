import {expect} from 'chai'
import {loadAwsConfig, type AwsConfig} from '../../src/config/load-aws-config.js'
import type {ChainedRoleProfile, SsoRoleProfile, StaticKeyProfile} from '../../src/config/profile-types.js'
import {closeNames, resolveProfile} from '../../src/config/resolve-profile.js'
import {legacySessionName} from '../../src/config/sso-sessions.js'
import {KeylessError, UsageError} from '../../src/errors.js'
import {allKinds, allKindsCredentials, bigConfig} from './fixtures.js'
import {tempAws} from './helpers.js'

function thrown(fn: () => unknown): KeylessError {
  try {
    fn()
  } catch (error) {
    expect(error).to.be.instanceOf(KeylessError)
    return error as KeylessError
  }
  throw new Error('expected an error')
}

describe('resolveProfile', () => {
  let config: AwsConfig
  before(async () => {
    const aws = tempAws({config: allKinds, credentials: allKindsCredentials})
    try {
      config = await loadAwsConfig(aws)
    } finally {
      aws.cleanup()
    }
  })

  it('resolves a keyless profile', () => {
    const p = resolveProfile(config, 'keyless-dev') as SsoRoleProfile
    expect(p).to.deep.include({kind: 'sso', name: 'keyless-dev', accountId: '111111111111', roleName: 'Developer', region: 'eu-west-1'})
    expect(p.session).to.deep.equal({name: 'corp', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access']})
    expect(p.settings.credential_process).to.equal('keyless credential-process --profile keyless-dev')
  })

  it('resolves [default] as the profile "default"', () => {
    expect(resolveProfile(config, 'default')).to.deep.include({kind: 'sso', name: 'default', accountId: '999999999999', roleName: 'Default'})
  })

  it('resolves a native sso_session profile, with the session scopes', () => {
    const p = resolveProfile(config, 'native') as SsoRoleProfile
    expect(p).to.deep.include({kind: 'sso', accountId: '222222222222', roleName: 'ReadOnly', region: undefined})
    expect(p.session.name).to.equal('lab')
    expect(p.session.scopes).to.deep.equal(['sso:account:access', 'codewhisperer:completions'])
  })

  it('resolves a legacy sso_start_url profile to a legacy session without scopes', () => {
    const p = resolveProfile(config, 'legacy') as SsoRoleProfile
    expect(p.session).to.deep.equal({
      name: legacySessionName('https://d-9999999999.awsapps.com/start'),
      startUrl: 'https://d-9999999999.awsapps.com/start',
      region: 'us-west-2',
      scopes: [],
    })
    expect(p).to.deep.include({accountId: '333333333333', roleName: 'Admin', region: 'us-west-1'})
  })

  it('resolves a three-hop role chain, with its options, and inherits the region', () => {
    const hop3 = resolveProfile(config, 'hop3') as ChainedRoleProfile
    expect(hop3).to.deep.include({kind: 'chain', roleArn: 'arn:aws-us-gov:iam::666666666666:role/Gov', region: 'ap-southeast-2'})
    const hop2 = hop3.source as ChainedRoleProfile
    expect(hop2).to.deep.include({kind: 'chain', name: 'hop2', region: 'ap-southeast-2'})
    const hop1 = hop2.source as ChainedRoleProfile
    expect(hop1).to.deep.include({
      kind: 'chain',
      name: 'hop1',
      roleArn: 'arn:aws:iam::444444444444:role/Deployer',
      externalId: 'ext-123',
      roleSessionName: 'alice',
      durationSeconds: 3600,
      region: 'eu-west-1', // inherited from keyless-dev
    })
    expect(hop1.source).to.deep.include({kind: 'sso', name: 'keyless-dev'})
  })

  it('resolves a chain whose source has static keys in the credentials file', () => {
    const p = resolveProfile(config, 'from-static') as ChainedRoleProfile
    const source = p.source as StaticKeyProfile
    expect(source).to.deep.include({kind: 'static', name: 'old-user', accessKeyId: 'AKIAOLDUSEROLDUSER00', secretAccessKey: 'oldsecret', region: 'sa-east-1'})
    expect(p.region).to.equal('sa-east-1')
    expect(source.sessionToken).to.equal(undefined)
  })

  it('uses a profile’s own keys when it names itself as source_profile', () => {
    const p = resolveProfile(config, 'self-source') as ChainedRoleProfile
    expect(p.source).to.deep.include({kind: 'static', name: 'self-source', accessKeyId: 'AKIASELFSELFSELFSELF'})
  })

  it('resolves static keys in either file, with a session token', () => {
    expect(resolveProfile(config, 'config-static')).to.deep.include({kind: 'static', accessKeyId: 'AKIACONFIGCONFIGCONF'})
    expect(resolveProfile(config, 'temp-user')).to.deep.include({kind: 'static', sessionToken: 'temptoken'})
  })

  it('names a cycle', () => {
    const error = thrown(() => resolveProfile(config, 'cycle-a'))
    expect(error).to.be.instanceOf(UsageError)
    expect(error.message).to.equal('Profile chain has a cycle: cycle-a -> cycle-b -> cycle-c -> cycle-a.')
  })

  it('keeps mfa_serial of a role chain (getCredentials decides what it may chain from); refuses credential_source', () => {
    expect(resolveProfile(config, 'with-mfa')).to.deep.include({kind: 'chain', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice'})
    const source = thrown(() => resolveProfile(config, 'with-credential-source'))
    expect(source.code).to.equal('NotSupported')
    expect(source.message).to.include('credential_source')
  })

  it('reads source_identity, session_tags, transitive_session_tags and credential_source = Environment on a chain', () => {
    const chain = (extra: Record<string, string>) => ({...config, profiles: {...config.profiles, x: {role_arn: 'arn:aws:iam::111111111111:role/A', source_profile: 'keyless-dev', ...extra}}})
    const p = resolveProfile(chain({source_identity: 'jane@example.com', session_tags: 'team = payments,cost-center=1234', transitive_session_tags: 'Team'}), 'x') as ChainedRoleProfile
    expect(p).to.deep.include({sourceIdentity: 'jane@example.com', sessionTags: [{key: 'team', value: 'payments'}, {key: 'cost-center', value: '1234'}], transitiveTagKeys: ['Team']})
    const env = {...config, profiles: {...config.profiles, e: {role_arn: 'arn:aws:iam::111111111111:role/A', credential_source: 'Environment'}}}
    expect((resolveProfile(env, 'e') as ChainedRoleProfile).source).to.deep.include({kind: 'environment', name: 'e'})
    const refused: Array<[Record<string, string>, string]> = [
      [{session_tags: 'team'}, 'Profile "x" has invalid session_tags: "team" is not key=value.'],
      [{session_tags: 'a=1,A=2'}, 'tag key "A" is given twice (keys are case-insensitive)'],
      [{session_tags: 'a=b!'}, 'tag value "b!" must be at most 256'],
      [{session_tags: Array.from({length: 51}, (_, i) => `k${i}=v`).join(',')}, '51 tags; AWS allows at most 50'],
      [{session_tags: 'a=1', transitive_session_tags: 'b'}, 'invalid transitive_session_tags: transitive key "b" is not one of the session_tags'],
      [{source_identity: 'aws:me'}, 'invalid source_identity "aws:me"'],
      [{credential_source: 'Environment'}, 'has both source_profile and credential_source'],
    ]
    for (const [extra, message] of refused) {
      const error = thrown(() => resolveProfile(chain(extra), 'x'))
      expect(error, message).to.be.instanceOf(UsageError)
      expect(error.message).to.include(message)
    }
    const ecs = {...config, profiles: {...config.profiles, c: {role_arn: 'arn:aws:iam::111111111111:role/A', credential_source: 'EcsContainer'}}}
    expect(thrown(() => resolveProfile(ecs, 'c')).line).to.equal(
      'Profile "c" uses credential_source = EcsContainer, which keyless does not serve (only Environment). On an instance or in a container let the AWS SDK use that profile directly.')
  })

  it('validates duration_seconds (900..43200) and role_arn', () => {
    expect(thrown(() => resolveProfile(config, 'bad-duration')).line).to.include('from 900 to 43200')
    for (const value of ['900', '43200']) {
      const c = {...config, profiles: {...config.profiles, x: {role_arn: 'arn:aws:iam::111111111111:role/A', source_profile: 'keyless-dev', duration_seconds: value}}}
      expect((resolveProfile(c, 'x') as ChainedRoleProfile).durationSeconds).to.equal(Number(value))
    }
    for (const value of ['899', '43201', '1e4', '3600.5', 'soon']) {
      const c = {...config, profiles: {...config.profiles, x: {role_arn: 'arn:aws:iam::111111111111:role/A', source_profile: 'keyless-dev', duration_seconds: value}}}
      expect(() => resolveProfile(c, 'x'), value).to.throw(UsageError)
    }
    const badArn = {...config, profiles: {...config.profiles, x: {role_arn: 'not-an-arn', source_profile: 'keyless-dev'}}}
    expect(thrown(() => resolveProfile(badArn, 'x')).message).to.include('invalid role_arn')
  })

  it('explains incomplete profiles, unknown sessions and missing sources', () => {
    expect(thrown(() => resolveProfile(config, 'incomplete-keyless')).message).to.include('is missing keyless_role_name')
    expect(thrown(() => resolveProfile(config, 'unknown-session')).message).to.include('No sso-session "nope"')
    const source = thrown(() => resolveProfile(config, 'bad-source'))
    expect(source.message).to.include('Profile "does-not-exist" (source_profile of "bad-source") not found')
    expect(thrown(() => resolveProfile(config, 'only-region')).message).to.include('has nothing keyless can serve')
  })

  it('suggests close names for an unknown profile', () => {
    const typo = thrown(() => resolveProfile(config, 'keyless-deb'))
    expect(typo).to.be.instanceOf(UsageError)
    expect(typo.hint).to.equal('Did you mean "keyless-dev"?')
    expect(thrown(() => resolveProfile(config, 'HOP')).hint).to.match(/^Did you mean "hop1", "hop2", "hop3"\?$/)
    const far = thrown(() => resolveProfile(config, 'zzzzzzzzzzzz'))
    expect(far.hint).to.match(/^Known profiles: /)
    expect(thrown(() => resolveProfile({profiles: {}, ssoSessions: {}, credentials: {}}, 'x')).line).to.include('keyless sync')
  })

  it('does not treat Object.prototype names as profiles', () => {
    for (const name of ['constructor', '__proto__', 'toString']) expect(() => resolveProfile(config, name)).to.throw(UsageError)
  })

  it('finds close names among many synced profiles', () => {
    const known = Object.keys(bigConfig(50).split('\n').filter((l) => l.startsWith('[profile')).reduce((a, l) => ({...a, [l.slice(9, -1)]: 1}), {}))
    expect(closeNames('account-7.developer', known)).to.deep.equal(['account-7.Developer'])
    expect(closeNames('acount-12.Developer', known)[0]).to.equal('account-12.Developer')
  })

  it('ranks suggestions by the fzf score the picker uses, not by edit distance on the whole name', () => {
    const synced = ['workload-dev.AdministratorAccess', 'workload-dev.ReadOnlyAccess', 'workload-dev.PowerUserAccess', 'workload-prod.ReadOnlyAccess', 'sandbox.AdministratorAccess']
    expect(closeNames('workload-dev.AdminAccess', synced)).to.deep.equal(['workload-dev.AdministratorAccess'])
    expect(closeNames('dev.admin', synced)).to.deep.equal(['workload-dev.AdministratorAccess'])
    expect(closeNames('prod.ro', synced)).to.deep.equal(['workload-prod.ReadOnlyAccess'])
    // A typo fzf cannot match falls back to the fewest edits.
    expect(closeNames('wrokload-dev.PowerUserAccess', synced)).to.deep.equal(['workload-dev.PowerUserAccess'])
    // One slip (two letters swapped) comes first, before names fzf matches in order.
    expect(closeNames('dve', ['dev', 'dev-power', 'deployer'])).to.deep.equal(['dev', 'dev-power'])
    expect(closeNames('sandbox.AdministratorAcess', synced)[0]).to.equal('sandbox.AdministratorAccess')
  })
})
