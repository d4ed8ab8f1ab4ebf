import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {loadAwsConfig} from '../../src/config/load-aws-config.js'
import {resolveProfile} from '../../src/config/resolve-profile.js'
import {credentialSpec, type CredentialSpec} from '../../src/credentials/credential-spec.js'
import {credentialKey} from '../../src/credentials/credential-key.js'
import {fastCredentialSpec} from '../../src/hot-path/fast-credential-spec.js'
import {readAwsConfigSync} from '../../src/config/read-aws-config-sync.js'

const session = '[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n'
const arn = (n: number) => `arn:aws:iam::${String(n).repeat(12).slice(0, 12)}:role/R${n}`

/** Config and credentials files covering every rule of resolveProfile, including the ones it rejects. */
const corpus: Array<{name: string; config: string; credentials?: string}> = [
  {name: 'keyless, native, chain, static source', config: `${session}
[profile k]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = ReadOnly
[profile n]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Admin
region = us-east-1
[profile n-same-url]
sso_session = corp
sso_start_url = https://d-1.awsapps.com/start
sso_account_id = 222222222222
sso_role_name = Admin
[profile n-other-url]
sso_session = corp
sso_start_url = https://d-2.awsapps.com/start
sso_account_id = 222222222222
sso_role_name = Admin
[profile legacy]
sso_start_url = https://d-3.awsapps.com/start
sso_region = us-east-1
sso_account_id = 333333333333
sso_role_name = Dev
[profile c1]
role_arn = ${arn(4)}
source_profile = k
external_id = ext
[profile c2]
role_arn = ${arn(5)}
source_profile = c1
role_session_name = me
duration_seconds = 900
[profile c-static]
role_arn = ${arn(6)}
source_profile = keys
[profile c-self]
role_arn = ${arn(7)}
source_profile = c-self
aws_access_key_id = AKIASELF
aws_secret_access_key = self-secret
[profile c-self-nokeys]
role_arn = ${arn(7)}
source_profile = c-self-nokeys
[profile c-mfa]
role_arn = ${arn(8)}
source_profile = k
mfa_serial = arn:aws:iam::111111111111:mfa/me
[profile k-mfa]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = ReadOnly
mfa_serial = arn:aws:iam::111111111111:mfa/me
[profile c-bad-arn]
role_arn = arn:aws:iam::12:role/x
source_profile = k
[profile c-duration-low]
role_arn = ${arn(4)}
source_profile = k
duration_seconds = 60
[profile c-duration-text]
role_arn = ${arn(4)}
source_profile = k
duration_seconds = 1h
[profile c-no-source]
role_arn = ${arn(4)}
[profile c-credential-source]
role_arn = ${arn(4)}
credential_source = Environment
[profile c-missing-source]
role_arn = ${arn(4)}
source_profile = nowhere
[profile loop-a]
role_arn = ${arn(1)}
source_profile = loop-b
[profile loop-b]
role_arn = ${arn(2)}
source_profile = loop-a
[profile k-partial]
keyless_session = corp
keyless_account_id = 111111111111
[profile k-no-session]
keyless_session = nope
keyless_account_id = 111111111111
keyless_role_name = ReadOnly
[profile empty]
[profile half-keys]
aws_access_key_id = AKIAHALF
[profile overridden]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = FromConfig
[profile dup]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = First
[profile dup]
keyless_role_name = Second
[default]
keyless_session = corp
keyless_account_id = 999999999999
keyless_role_name = Plain
[profile default]
keyless_session = corp
keyless_account_id = 999999999999
keyless_role_name = ProfileDefault
`, credentials: `[keys]
aws_access_key_id = AKIAKEYS
aws_secret_access_key = keys-secret
[overridden]
keyless_role_name = FromCredentials
[profile k]
keyless_role_name = NotSeen
`},
  {name: 'session tags, source identity, credential_source (aws-vault\'s keys)', config: `${session}
[profile k]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = ReadOnly
[profile t-tags]
role_arn = ${arn(4)}
source_profile = k
role_session_name = alice
source_identity = alice@example.com
session_tags = team=payments, cost-center = 12 34 ,Ünïcode=wert,path=a/b:c+d@e=f
transitive_session_tags = team, COST-CENTER
[profile t-tags-reordered]
role_arn = ${arn(4)}
source_profile = k
role_session_name = alice
source_identity = alice@example.com
session_tags = path=a/b:c+d@e=f,Ünïcode=wert,cost-center=12 34,team=payments
transitive_session_tags = cost-center,team
[profile t-tags-other-value]
role_arn = ${arn(4)}
source_profile = k
session_tags = team=search
[profile t-empty-items]
role_arn = ${arn(4)}
source_profile = k
session_tags = a=1,,b=,
transitive_session_tags = ,a,
[profile t-50]
role_arn = ${arn(4)}
source_profile = k
session_tags = ${Array.from({length: 50}, (_, i) => `k${i}=v${i}`).join(',')}
[profile t-51]
role_arn = ${arn(4)}
source_profile = k
session_tags = ${Array.from({length: 51}, (_, i) => `k${i}=v${i}`).join(',')}
[profile t-no-value]
role_arn = ${arn(4)}
source_profile = k
session_tags = team
[profile t-no-key]
role_arn = ${arn(4)}
source_profile = k
session_tags = =v
[profile t-dup]
role_arn = ${arn(4)}
source_profile = k
session_tags = a=1,A=2
[profile t-long-key]
role_arn = ${arn(4)}
source_profile = k
session_tags = ${'k'.repeat(129)}=v
[profile t-128-key]
role_arn = ${arn(4)}
source_profile = k
session_tags = ${'k'.repeat(128)}=${'v'.repeat(256)}
[profile t-long-value]
role_arn = ${arn(4)}
source_profile = k
session_tags = k=${'v'.repeat(257)}
[profile t-bad-char]
role_arn = ${arn(4)}
source_profile = k
session_tags = a=b!c
[profile t-transitive-missing]
role_arn = ${arn(4)}
source_profile = k
session_tags = a=1
transitive_session_tags = b
[profile t-identity-short]
role_arn = ${arn(4)}
source_profile = k
source_identity = a
[profile t-identity-aws]
role_arn = ${arn(4)}
source_profile = k
source_identity = aws:me
[profile t-identity-space]
role_arn = ${arn(4)}
source_profile = k
source_identity = jane doe
[profile env-chain]
role_arn = ${arn(5)}
credential_source = Environment
session_tags = ci=true
[profile chain-on-env]
role_arn = ${arn(6)}
source_profile = env-chain
[profile env-ec2]
role_arn = ${arn(5)}
credential_source = Ec2InstanceMetadata
[profile env-ecs]
role_arn = ${arn(5)}
credential_source = EcsContainer
[profile env-bogus]
role_arn = ${arn(5)}
credential_source = Bogus
[profile env-both]
role_arn = ${arn(5)}
source_profile = k
credential_source = Environment
[profile env-no-arn]
credential_source = Environment
[profile env-bad-arn]
role_arn = arn:aws:iam::1:role/x
credential_source = Environment
[profile k-with-source]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = ReadOnly
credential_source = Environment
`},
  {name: 'session without region; comments, quotes, CRLF, sub-sections', config: `[sso-session half]\r\nsso_start_url = https://d-4.awsapps.com/start\r\n[sso-session corp] ; trailing comment\r\nsso_start_url = https://d-1.awsapps.com/start\r\nsso_region = eu-west-1\r\n[profile half]\r\nkeyless_session = half\r\nkeyless_account_id = 1\r\nkeyless_role_name = R\r\n[profile "quoted"]\r\nkeyless_session = corp\r\nkeyless_account_id = 444444444444 # a comment\r\nkeyless_role_name = Q\r\ns3 =\r\n  max_concurrent_requests = 20\r\n[profile spaced name]\r\nkeyless_session = corp\r\nkeyless_account_id = 1\r\nkeyless_role_name = R\r\n`},
  {name: 'only [default] with a chain through the credentials file', config: `${session}[default]\nrole_arn = ${arn(9)}\nsource_profile = base\n`, credentials: '[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\naws_session_token = tok\n'},
]

/** The environment of the credential_source = Environment cases. */
const env = {AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENTKEY01', AWS_SECRET_ACCESS_KEY: 'not-part-of-the-spec'}

function fullSpec(config: Awaited<ReturnType<typeof loadAwsConfig>>, name: string): CredentialSpec | Error {
  try {
    const profile = resolveProfile(config, name)
    // getCredentials also refuses mfa_serial on any hop.
    for (let p: typeof profile | undefined = profile; p; p = p.kind === 'chain' ? p.source : undefined) {
      if (p.kind !== 'static' && p.settings.mfa_serial) return new Error('mfa_serial')
    }
    return credentialSpec(profile, env)
  } catch (error) {
    return error as Error
  }
}

describe('fastCredentialSpec and readAwsConfigSync agree with the full resolution', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-fast-spec-'))
  })
  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  for (const [index, entry] of corpus.entries()) {
    it(`gives the same key material or declines: ${entry.name}`, async () => {
      const paths = {configFile: join(dir, `config-${index}`), credentialsFile: join(dir, `credentials-${index}`)}
      await writeFile(paths.configFile, entry.config)
      if (entry.credentials !== undefined) await writeFile(paths.credentialsFile, entry.credentials)
      const sdk = await loadAwsConfig(paths)
      const sync = readAwsConfigSync(paths)
      // The same builder, read synchronously: identical (its parity with the SDK loader is
      // test/config/ini-document-sdk-parity.test.ts).
      expect(sync).to.deep.equal(sdk)
      const names = [...new Set([...Object.keys(sdk.profiles), ...Object.keys(sdk.credentials), 'missing'])]
      let served = 0
      for (const name of names) {
        const full = fullSpec(sdk, name)
        const fast = fastCredentialSpec(sync as typeof sdk, name, env)
        if (full instanceof Error) {
          expect(fast, `${name}: the full path fails (${full.message}), the fast path must decline`).to.equal(undefined)
        } else if (fast === undefined) {
          // Declining is always safe; only legacy sso_start_url profiles are expected here.
          expect(name, `${name} should be served by the fast path`).to.equal('legacy')
        } else {
          expect(fast, name).to.deep.equal(full)
          served++
        }
      }
      expect(served).to.be.greaterThan(0)
    })
  }

  it('serves the common kinds (and reads the credentials file over the config file)', async () => {
    const paths = {configFile: join(dir, 'config-0'), credentialsFile: join(dir, 'credentials-0')}
    const config = readAwsConfigSync(paths)!
    expect(fastCredentialSpec(config, 'k')).to.deep.equal({kind: 'sso', session: 'corp', accountId: '111111111111', roleName: 'ReadOnly'})
    expect(fastCredentialSpec(config, 'overridden')).to.deep.include({roleName: 'FromCredentials'})
    expect(fastCredentialSpec(config, 'dup')).to.deep.include({roleName: 'Second'})
    expect(fastCredentialSpec(config, 'default')).to.deep.include({roleName: 'ProfileDefault'})
    expect(fastCredentialSpec(config, 'c2')).to.deep.equal({
      kind: 'chain', roleArn: arn(5), roleSessionName: 'me', durationSeconds: 900,
      source: {kind: 'chain', roleArn: arn(4), externalId: 'ext', source: {kind: 'sso', session: 'corp', accountId: '111111111111', roleName: 'ReadOnly'}},
    })
    expect(fastCredentialSpec(config, 'c-self')).to.deep.include({source: {kind: 'static', accessKeyId: 'AKIASELF'}})
  })

  it('session tags, source identity and credential_source reach the spec, and so the cache key', async () => {
    const paths = {configFile: join(dir, 'config-1'), credentialsFile: join(dir, 'credentials-1')}
    const config = readAwsConfigSync(paths)!
    const spec = (name: string, e: NodeJS.ProcessEnv = env) => fastCredentialSpec(config, name, e)!
    expect(spec('t-tags')).to.deep.include({
      sourceIdentity: 'alice@example.com',
      sessionTags: [['team', 'payments'], ['cost-center', '12 34'], ['Ünïcode', 'wert'], ['path', 'a/b:c+d@e=f']],
      transitiveTagKeys: ['team', 'COST-CENTER'],
    })
    const key = (s: CredentialSpec) => credentialKey(s)!
    // The order of tags and the case of transitive keys do not change the session: one cache entry.
    expect(key(spec('t-tags-reordered'))).to.equal(key(spec('t-tags')))
    // Other tags, another source identity, another environment key: never the same cached credentials.
    expect(key(spec('t-tags-other-value'))).not.to.equal(key(spec('t-tags')))
    expect(key({...spec('t-tags'), sourceIdentity: 'bob'} as CredentialSpec)).not.to.equal(key(spec('t-tags')))
    expect(key(spec('env-chain'))).to.match(/^chain\/static\/[0-9a-f]{32}$/)
    expect(key(spec('env-chain', {AWS_ACCESS_KEY_ID: 'AKIAANOTHERKEY000001'}))).not.to.equal(key(spec('env-chain')))
    expect(spec('chain-on-env')).to.deep.include({source: spec('env-chain')})
    // A chain without the new keys keeps the digest it had before them (computed with the code before session tags).
    expect(key({kind: 'chain', roleArn: arn(4), source: {kind: 'sso', session: 'corp', accountId: '111111111111', roleName: 'ReadOnly'}}))
      .to.equal('chain/corp/cee2ddf7164ae5c0a408f44a8ab48d11')
  })

  it('declines a file the SDK would partly skip, and an unreadable one', async () => {
    const paths = {configFile: join(dir, 'bad'), credentialsFile: join(dir, 'none')}
    await writeFile(paths.configFile, `${session}this is not ini\n`)
    expect(readAwsConfigSync(paths)).to.equal(undefined)
    expect(readAwsConfigSync({configFile: dir, credentialsFile: join(dir, 'none')})).to.equal(undefined) // a directory: EISDIR
    expect(readAwsConfigSync({configFile: join(dir, 'nope'), credentialsFile: join(dir, 'none')})).to.deep.include({profiles: {}})
  })
})
