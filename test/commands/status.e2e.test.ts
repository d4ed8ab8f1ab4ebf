import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import type {StatusResult} from '../../src/status/session-status.js'
import {DEPLOYER_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS as ids} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

describe('keyless status: cached credentials, production ones marked (built CLI, emulator)', function () {
  this.timeout(120_000)
  let t: SignedIn
  after(async () => t?.cleanup())

  it('after fetching credentials for a workload-prod and a workload-dev role, shows [PROD] for the prod ones only (NO_COLOR, --json), never a secret', async () => {
    t = await signedInSandbox()
    // Profile names say nothing about production: the landing zone's account name decides.
    const keyless = (name: string, account: string, role: string) => `[profile ${name}]\nkeyless_session = corp\nkeyless_account_id = ${account}\nkeyless_role_name = ${role}\nregion = eu-west-1\n`
    const config = await readFile(t.sb.configFile, 'utf8')
    await t.sb.writeConfig(
      `${config}\n${keyless('billing', ids['workload-prod'], 'ReadOnlyAccess')}\n${keyless('web', ids['workload-dev'], 'ReadOnlyAccess')}\n` +
        `[profile deploy]\nrole_arn = ${DEPLOYER_ROLE_ARN}\nsource_profile = web\n`,
    )
    const list = await t.sb.run(['list', '--json'], {env: t.env})
    expect(list.code, list.stderr).to.equal(0)
    const secrets: string[] = []
    for (const profile of ['billing', 'web', 'deploy']) {
      const r = await t.sb.run(['credential-process', '--profile', profile], {env: t.env})
      expect(r.code, r.stderr).to.equal(0)
      const c = JSON.parse(r.stdout) as {SecretAccessKey: string; SessionToken: string}
      secrets.push(c.SecretAccessKey, c.SessionToken)
    }

    const human = await t.sb.run(['status'], {env: t.env})
    expect(human.code, human.stderr).to.equal(0)
    const line = (text: string) => human.stdout.split('\n').find((l) => l.includes(text)) ?? ''
    expect(line(`${ids['workload-prod']}  workload-prod  ReadOnlyAccess`)).to.match(/^ {4}\[PROD\] {2}173205080756 {2}workload-prod {2}ReadOnlyAccess {2}\S.* {2}billing$/)
    expect(line(`${ids['workload-dev']}  workload-dev`)).to.match(/^ {4} {6} {2}223606797749 {2}workload-dev {3}ReadOnlyAccess {2}\S.* {2}web$/)
    expect(line('deploy (role chain)')).to.match(/^ {4}\[PROD\] {2}173205080756 {2}workload-prod {2}Deployer {8}\S.* {2}deploy \(role chain\)$/)
    expect(human.stdout.match(/\[PROD\]/g)).to.have.length(2)
    expect(human.stdout).to.include('role creds      3, soonest expiry in')
    expect(human.stdout).not.to.include('\x1b[')

    const json = await t.sb.run(['status', '--json'], {env: t.env})
    expect(json.code, json.stderr).to.equal(0)
    const corp = (JSON.parse(json.stdout) as StatusResult).sessions.find((s) => s.session === 'corp')!
    expect(corp.roleCredentials.items.map((c) => [c.kind, c.accountName, c.roleName, c.profiles, c.guarded])).to.deep.equal([
      ['role', 'workload-dev', 'ReadOnlyAccess', ['web'], false],
      ['role', 'workload-prod', 'ReadOnlyAccess', ['billing'], true],
      ['chain', 'workload-prod', 'Deployer', ['deploy'], true],
    ])
    for (const item of corp.roleCredentials.items) expect(item.secondsLeft).to.be.within(600, 3600)
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      for (const secret of secrets) expect(output).not.to.include(secret)
    }
  })
})
