import {readFile, writeFile} from 'node:fs/promises'
import {expect} from 'chai'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

describe('keyless configure --remove SESSION (built CLI, emulator)', function () {
  this.timeout(180_000)
  let t: SignedIn
  before(async () => {
    t = await signedInSandbox({sync: true})
  })
  after(() => t?.cleanup())

  it('refuses without a terminal unless --yes; then logs out, removes the section and the synced profiles, keeps the rest and a backup', async () => {
    const mine = '# my own profile\n[profile mine]\nregion = us-east-2\n'
    const before = `${mine}\n${await readFile(t.sb.configFile, 'utf8')}`
    await writeFile(t.sb.configFile, before)
    expect(before).to.include('[sso-session corp]').and.include('# >>> keyless managed: corp')
    const cached = await t.sb.run(['credential-process', '--profile', 'workload-dev.ReadOnlyAccess'], {env: t.env})
    expect(cached.code, cached.stderr).to.equal(0)

    const unasked = await t.sb.run(['configure', '--remove', 'corp'], {env: t.env})
    expect(unasked.code).to.equal(2)
    expect(unasked.stderr).to.equal('keyless: --remove changes your AWS config and there is no terminal to ask on. Pass --yes to confirm.\n')
    const unknown = await t.sb.run(['configure', '--remove', 'nope', '--yes'], {env: t.env})
    expect(unknown.code).to.equal(2)
    expect(await readFile(t.sb.configFile, 'utf8')).to.equal(before)

    const removed = await t.sb.run(['configure', '--remove', 'corp', '--yes'], {env: t.env})
    expect(removed.code, removed.stderr).to.equal(0)
    expect(removed.stderr).to.match(/Logged out of session "corp": \d+ secrets removed/)
    expect(removed.stderr).to.match(/Removed sso-session "corp" and 16 synced profiles from .*config \(backup: .*config\.keyless-backup\)/)
    const after = await readFile(t.sb.configFile, 'utf8')
    expect(after).to.equal(`${mine}\n`)
    expect(await readFile(`${t.sb.configFile}.keyless-backup`, 'utf8')).to.equal(before)
    const status = await t.sb.run(['status', '--json'], {env: t.env})
    expect(JSON.parse(status.stdout).sessions).to.deep.equal([])
  })
})
