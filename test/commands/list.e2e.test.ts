import {expect} from 'chai'
import {generatedOrganization} from '../emulator/organization.js'
import {orgPairs, signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

describe('keyless list (built CLI, emulator)', function () {
  this.timeout(180_000)
  let t: SignedIn
  afterEach(async () => t?.cleanup())

  it('finds every pair of a 320-account organization while ListAccountRoles is throttled, then serves the cache', async () => {
    const org = generatedOrganization(320, 3)
    t = await signedInSandbox({org})
    t.emulator.setFault('ListAccountRoles', {ratePerSecond: 40, latencyMs: 10})
    t.emulator.resetCounters()
    const first = await t.sb.run(['list', '--json'], {env: t.env})
    expect(first.code, first.stderr).to.equal(0)
    const rows = JSON.parse(first.stdout).pairs as Array<{accountId: string; roleName: string; accountName: string; session: string}>
    expect(rows.map((r) => `${r.accountId}/${r.roleName}`).sort()).to.deep.equal(orgPairs(org))
    expect(rows).to.have.length(960)
    expect(rows[0]).to.include({session: 'corp', accountName: org.accounts[0].accountName})
    // Throttled requests were sent again: one accepted call per account, nothing lost.
    const throttled = t.emulator.count('Throttled', 'ListAccountRoles')
    const calls = t.emulator.count('ListAccountRoles')
    expect(throttled).to.be.greaterThan(0)
    expect(calls).to.equal(320 + throttled)
    // Cached: no portal call the second time; --refresh asks again.
    const cached = await t.sb.run(['list', '--json'], {env: t.env})
    expect(JSON.parse(cached.stdout).pairs).to.have.length(960)
    expect(t.emulator.count('ListAccountRoles')).to.equal(calls)
    const refreshed = await t.sb.run(['list', '--refresh', '--json', '--session', 'corp'], {env: t.env})
    expect(refreshed.code).to.equal(0)
    expect(t.emulator.count('ListAccountRoles')).to.be.at.least(calls + 320)
  })

  it('prints a table with the synced profile and [PROD] marks; nothing secret in the cache', async () => {
    t = await signedInSandbox()
    await t.sb.run(['sync'], {env: t.env})
    const r = await t.sb.run(['list'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).to.match(/^ACCOUNT\s+ID\s+ROLE\s+SESSION\s+PROFILE$/)
    expect(r.stdout).to.match(/workload-prod \[PROD\]\s+173205080756\s+PowerUserAccess\s+corp\s+workload-prod\.PowerUserAccess/)
    expect(r.stdout).to.match(/\nsandbox\s+264575131106\s+AdministratorAccess\s+corp\s+sandbox\.AdministratorAccess/)
    expect(r.stdout).to.not.include('\x1b[')
    const {readFileSync, readdirSync} = await import('node:fs')
    const dir = `${t.sb.home}/.cache/keyless/accounts`
    const cache = readdirSync(dir).map((f) => readFileSync(`${dir}/${f}`, 'utf8')).join('')
    expect(cache).to.include('workload-prod')
    expect(cache).to.not.match(/accessToken|secret|sessionToken/i)
  })

  it('fails with one line for an unknown session (exit 2) and without a session token under --no-login (exit 3)', async () => {
    t = await signedInSandbox({login: false})
    const unknown = await t.sb.run(['list', '--session', 'nope'], {env: t.env})
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr.trim().split('\n')).to.have.length(1)
    const noLogin = await t.sb.run(['list', '--no-login'], {env: t.env})
    expect(noLogin.code).to.equal(3)
    expect(noLogin.stderr).to.include('keyless login --session corp')
    expect(t.sb.browserCalls()).to.deep.equal([])
  })
})
