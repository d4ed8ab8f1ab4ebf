import {expect} from 'chai'
import {ids, profilesConfig} from '../credentials/profiles-config.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'

const prodId = ids['workload-prod']

describe('guard by account, exec, console, export and agent env (hardening #14 item 11)', () => {
  describe('exec, console, export and agent env (built CLI, emulator)', function () {
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
        // export and agent env hand out credentials too: the same account, the same question.
        for (const args of [['export', profile], ['agent', 'env', profile]]) {
          const refusedToo = await sb.run(args)
          expect(refusedToo.code, `${args.join(' ')}: ${refusedToo.stderr}`).to.equal(2)
          expect(refusedToo.stderr).to.include('--yes')
          expect(refusedToo.stdout).to.equal('')
        }
      })
    }

    it('a chain into a non-production account still runs without a question', async () => {
      const r = await sb.run(['exec', 'deployer', '--', 'printenv', 'KEYLESS_PROFILE'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout.trim()).to.equal('deployer')
    })
  })
})
