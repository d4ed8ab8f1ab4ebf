import {expect} from 'chai'
import {guardDecision} from '../../src/guard/guard-policy.js'
import type {ResolvedProfile} from '../../src/config/profile-types.js'
import {LANDING_ZONE_ACCOUNT_IDS as ids} from '../emulator/organization.js'

const prodId = ids['workload-prod']

describe('guard by account (hardening #14 item 11)', () => {
  describe('guardDecision with the account facts', () => {
    const sso = {kind: 'sso', name: 'ops-native', settings: {sso_account_id: prodId}, session: {name: 'corp'}, accountId: prodId, roleName: 'ReadOnlyAccess'} as unknown as ResolvedProfile
    const staticSource = {kind: 'static', name: 'keys', settings: {}} as unknown as ResolvedProfile
    const chain = {kind: 'chain', name: 'deploy', settings: {role_arn: `arn:aws:iam::${prodId}:role/Deployer`}, roleArn: `arn:aws:iam::${prodId}:role/Deployer`, source: staticSource} as unknown as ResolvedProfile

    it('a native SSO profile and a role chain into a production account are guarded by the account name', () => {
      for (const profile of [sso, chain]) {
        expect(guardDecision(profile, {}).guarded, `${profile.name} without facts`).to.equal(false)
        const decision = guardDecision(profile, {}, {accountName: 'workload-prod', session: 'corp'})
        expect(decision, profile.name).to.include({guarded: true, environment: 'prod'})
        expect(decision.target).to.include({accountId: prodId, accountName: 'workload-prod'})
      }
    })

    it('an account marked keyless_environment = production elsewhere is guarded whatever its name', () => {
      expect(guardDecision(chain, {}, {accountName: 'ledger', environment: 'production'})).to.include({guarded: true, environment: 'production'})
      // The profile's own keyless_environment still decides.
      const own = {...sso, settings: {...sso.settings, keyless_environment: 'dev'}} as ResolvedProfile
      expect(guardDecision(own, {}, {accountName: 'workload-prod'})).to.include({guarded: false, environment: 'dev'})
    })

    it('the session\'s keyless_guard patterns apply to the account name found by id (a chain from static keys uses the session that knows the account)', () => {
      expect(guardDecision(chain, {corp: {keyless_guard: 'ledger-*'}}, {accountName: 'ledger-eu', session: 'corp'}).guarded).to.equal(true)
      expect(guardDecision(chain, {corp: {keyless_guard: 'ledger-*'}}, {accountName: 'workload-prod', session: 'corp'}).guarded).to.equal(false)
    })
  })
})
