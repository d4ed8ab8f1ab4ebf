import {expect} from 'chai'
import {guardDecision} from '../../src/guard/guard-policy.js'
import type {ResolvedProfile} from '../../src/config/profile-types.js'
import {ids, profilesConfig} from '../credentials/profiles-config.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'

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

  describe('exec and console (built CLI, emulator)', function () {
    this.timeout(180_000)
    let sb: Sandbox
    before(async () => {
      sb = await createSandbox()
      const extra = `\n[profile ops-native]\nsso_session = emulator\nsso_account_id = ${prodId}\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\n`
      await sb.writeConfig(profilesConfig(sb.emulator) + extra)
      const login = await sb.run(['login', '--session', 'emulator'])
      expect(login.code, login.stderr).to.equal(0)
      const list = await sb.run(['list']) // fills the account cache: names by id
      expect(list.code, list.stderr).to.equal(0)
    })
    after(async () => sb?.cleanup())

    // ops-native: a hand-written AWS-native SSO profile; throttle-a: a chain whose role_arn is in workload-prod.
    for (const profile of ['ops-native', 'throttle-a']) {
      it(`${profile}: exec refused without a terminal, --yes runs with KEYLESS_ENVIRONMENT=prod; console refused`, async () => {
        sb.emulator.resetCounters()
        const refused = await sb.run(['exec', profile, '--', 'true'])
        expect(refused.code, refused.stderr).to.equal(2)
        expect(refused.stderr).to.include('--yes')
        expect(sb.emulator.count('AssumeRole') + sb.emulator.count('GetRoleCredentials', `${prodId}/ReadOnlyAccess`)).to.equal(0)
        const yes = await sb.run(['exec', profile, '--yes', '--', 'printenv', 'KEYLESS_ENVIRONMENT'])
        expect(yes.code, yes.stderr).to.equal(0)
        expect(yes.stdout.trim()).to.equal('prod')
        const consoleRefused = await sb.run(['console', profile, '--print'])
        expect(consoleRefused.code, consoleRefused.stderr).to.equal(2)
        expect(consoleRefused.stderr).to.include('--yes')
      })
    }

    it('a chain into a non-production account still runs without a question', async () => {
      const r = await sb.run(['exec', 'deployer', '--', 'printenv', 'KEYLESS_PROFILE'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout.trim()).to.equal('deployer')
    })
  })
})
