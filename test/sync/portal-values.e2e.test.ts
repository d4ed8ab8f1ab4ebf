import {execFile} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {parseIniDocument} from '../../src/config/ini-document.js'
import {landingZone} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

describe('keyless sync with hostile portal strings (built CLI, emulator)', function () {
  this.timeout(180_000)
  let t: SignedIn
  afterEach(async () => t?.cleanup())

  it('writes no injected line: names with a newline, a credential_process = injection and " #" / " ;"', async () => {
    const org = landingZone()
    const injection = 'evil\ncredential_process = sh -c "touch /tmp/keyless-pwned"\n[profile injected]'
    const [first, second, third] = org.accounts
    first.accountName = injection
    second.accountName = 'Team #1 ; prod'
    org.assignments[third.accountId] = [...org.assignments[third.accountId], 'Bad\nRole = x']
    t = await signedInSandbox({org})
    const r = await t.sb.run(['sync'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stderr).to.include(`not writing a profile for corp "${third.accountId}" "Bad\\nRole = x": the portal sent the role name`)
    const text = readFileSync(t.sb.configFile, 'utf8')
    const doc = parseIniDocument(text)
    expect(doc.problems).to.deep.equal([])
    expect(text).to.not.match(/^credential_process = sh/m)
    expect(text).to.not.match(/^\[profile injected/m)
    expect(text).to.not.include('Bad')
    // Every credential_process line is keyless's own, one per profile section.
    for (const section of doc.sections.filter((s) => s.kind === 'profile')) {
      const cp = section.entries.filter((e) => e.key === 'credential_process')
      expect(cp, section.name).to.have.length(1)
      expect(cp[0].value).to.match(/ credential-process --profile /)
    }
    // The real AWS CLI reads the values back whole.
    const aws = promisify(execFile)
    const env = {...t.sb.env, ...t.env}
    const profiles = (await aws('/usr/bin/aws', ['configure', 'list-profiles'], {env})).stdout.split('\n').filter(Boolean)
    const evil = profiles.find((p) => p.startsWith('evil'))!
    expect(evil, profiles.join(',')).to.be.a('string')
    expect((await aws('/usr/bin/aws', ['configure', 'get', 'keyless_account_name', '--profile', evil], {env})).stdout.trim())
      .to.equal('evil credential_process = sh -c "touch /tmp/keyless-pwned" [profile injected]')
    const team = profiles.find((p) => p.startsWith('Team'))!
    expect((await aws('/usr/bin/aws', ['configure', 'get', 'keyless_account_name', '--profile', team], {env})).stdout.trim()).to.equal('Team#1; prod')
    const who = await aws('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', evil, '--endpoint-url', t.emulator.url, '--output', 'json'], {env, timeout: 60_000})
    expect(JSON.parse(who.stdout).Account).to.equal(first.accountId)
    expect(existsSync('/tmp/keyless-pwned')).to.equal(false)
    expect(existsSync(join(t.sb.home, 'keyless-pwned'))).to.equal(false)
  })
})
