import {expect} from 'chai'
import {chainDigest} from '../../src/credentials/chain-digest.js'
import {credentialKey} from '../../src/credentials/credential-key.js'
import {credentialSpec, type CredentialSpec} from '../../src/credentials/credential-spec.js'
import {storeKeys} from '../../src/store/keys.js'
import {chainProfile, ssoProfile, staticProfile} from './fakes.js'

describe('credential keys', () => {
  it('keys an SSO role by session, account and role', () => {
    expect(credentialKey(credentialSpec(ssoProfile()))).to.equal(storeKeys.role('corp', '111111111111', 'ReadOnly'))
    expect(credentialKey(credentialSpec(ssoProfile()))).to.equal('role/corp/111111111111/ReadOnly')
  })

  it('never caches static keys', () => {
    expect(credentialKey(credentialSpec(staticProfile()))).to.equal(undefined)
  })

  it('keys a chain by a digest of its whole definition', () => {
    const base = chainProfile(ssoProfile(), {externalId: 'ext-1'})
    const key = credentialKey(credentialSpec(base))
    expect(key).to.match(/^chain\/corp\/[0-9a-f]{32}$/)
    expect(credentialKey(credentialSpec(chainProfile(staticProfile())))).to.match(/^chain\/static\/[0-9a-f]{32}$/)
    // Same definition under another profile name and region: same credentials, same key.
    expect(credentialKey(credentialSpec({...base, name: 'other', region: 'us-west-2', settings: {x: 'y'}}))).to.equal(key)
    const variants = [
      {...base, roleArn: 'arn:aws:iam::222222222222:role/Other'},
      {...base, externalId: 'ext-2'},
      {...base, externalId: undefined},
      {...base, roleSessionName: 'me'},
      {...base, durationSeconds: 1800},
      {...base, source: ssoProfile({roleName: 'Admin'})},
      {...base, source: ssoProfile({accountId: '333333333333'})},
      {...base, source: ssoProfile({session: {...ssoProfile().session, name: 'other'}})},
      {...base, source: staticProfile()},
      {...base, source: chainProfile(ssoProfile())},
    ]
    const keys = variants.map((v) => credentialKey(credentialSpec(v)))
    expect(new Set([key, ...keys]).size).to.equal(variants.length + 1)
  })

  it('digests canonically: key order and absent optional fields do not matter', () => {
    const a: CredentialSpec = {kind: 'chain', roleArn: 'arn:aws:iam::1:role/R', source: {kind: 'static', accessKeyId: 'AKIA1'}}
    const b = {source: {accessKeyId: 'AKIA1', kind: 'static'}, roleArn: 'arn:aws:iam::1:role/R', kind: 'chain', externalId: undefined} as CredentialSpec
    expect(chainDigest(a)).to.equal(chainDigest(b))
    expect(chainDigest(a)).to.not.equal(chainDigest({...a, source: {kind: 'static', accessKeyId: 'AKIA2'}}))
  })

  it('refuses a chain that loops back on itself instead of recursing forever', () => {
    const loop = chainProfile(ssoProfile())
    ;(loop as {source: unknown}).source = loop
    expect(() => credentialSpec(loop)).to.throw(/deeper than 16 hops/)
  })
})
