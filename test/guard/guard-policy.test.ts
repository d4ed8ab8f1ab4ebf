import {expect} from 'chai'
import type {ResolvedProfile} from '../../src/config/profile-types.js'
import {environmentOf, globMatches, guardDecision, guardPatterns, isGuarded} from '../../src/guard/guard-policy.js'

const session = {name: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access']}

describe('guard/guard-policy', () => {
  it('globs: whole name, case-insensitive, * and ?', () => {
    expect(globMatches('*prod*', 'Payments-PROD')).to.equal(true)
    expect(globMatches('*prod*', 'sandbox')).to.equal(false)
    expect(globMatches('prod-?', 'prod-1')).to.equal(true)
    expect(globMatches('prod-?', 'prod-12')).to.equal(false)
    expect(globMatches('a.b', 'axb')).to.equal(false) // regex characters are literal
    expect(globMatches('payments', 'payments-dev')).to.equal(false)
  })

  it('patterns come from keyless_guard (comma-separated), default *prod*, empty = none', () => {
    expect(guardPatterns(undefined)).to.deep.equal(['*prod*'])
    expect(guardPatterns({sso_region: 'x'})).to.deep.equal(['*prod*'])
    expect(guardPatterns({keyless_guard: ' prod-* , payments ,'})).to.deep.equal(['prod-*', 'payments'])
    expect(guardPatterns({keyless_guard: ''})).to.deep.equal([])
  })

  it('guarded by account name, by profile name, or by keyless_environment = prod', () => {
    const patterns = guardPatterns(undefined)
    expect(isGuarded({profileName: 'admin', accountName: 'payments-prod', settings: {}}, patterns)).to.equal(true)
    expect(isGuarded({profileName: 'prod-admin', settings: {}}, patterns)).to.equal(true)
    expect(isGuarded({profileName: 'admin', accountName: 'sandbox', settings: {keyless_environment: 'prod'}}, patterns)).to.equal(true)
    expect(isGuarded({profileName: 'admin', accountName: 'sandbox', settings: {keyless_environment: 'Production'}}, [])).to.equal(true)
    expect(isGuarded({profileName: 'admin', accountName: 'sandbox', settings: {}}, patterns)).to.equal(false)
    expect(isGuarded({profileName: 'admin', accountName: 'payments-prod', settings: {}}, [])).to.equal(false)
  })

  it('an explicit keyless_environment decides (nonprod marked dev is not guarded)', () => {
    const patterns = ['*prod*']
    expect(isGuarded({profileName: 'nonprod-admin', settings: {keyless_environment: 'dev'}}, patterns)).to.equal(false)
    expect(environmentOf({profileName: 'nonprod-admin', settings: {keyless_environment: 'dev'}}, patterns)).to.equal('dev')
    expect(environmentOf({profileName: 'prod-admin', settings: {}}, patterns)).to.equal('prod')
    expect(environmentOf({profileName: 'dev-admin', settings: {}}, patterns)).to.equal(undefined)
  })

  it('guardDecision uses the profile session\'s keyless_guard, and the chain\'s source session', () => {
    const sso: ResolvedProfile = {
      kind: 'sso',
      name: 'pay',
      settings: {keyless_account_name: 'payments'},
      session,
      accountId: '111122223333',
      roleName: 'Admin',
    }
    expect(guardDecision(sso, {corp: {keyless_guard: 'pay*'}}).guarded).to.equal(true)
    expect(guardDecision(sso, {corp: {}}).guarded).to.equal(false)
    const chain: ResolvedProfile = {kind: 'chain', name: 'deploy', settings: {}, roleArn: 'arn:aws:iam::444455556666:role/Deployer', source: sso}
    const decision = guardDecision(chain, {corp: {keyless_guard: 'deploy'}})
    expect(decision.guarded).to.equal(true)
    expect(decision.environment).to.equal('prod')
    expect(decision.target).to.deep.equal({profileName: 'deploy', accountName: undefined, accountId: '444455556666', roleName: 'Deployer'})
    expect(guardDecision(sso, {corp: {}}, 'core-prod').target.accountName).to.equal('core-prod')
  })
})
