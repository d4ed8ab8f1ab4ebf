import {execFile} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {LANDING_ZONE_ACCOUNT_IDS} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'
import {fakeKey} from './audit-fixtures.js'

const run = promisify(execFile)

// `audit --fix --replace-with`: the emptied profile keeps working for the real AWS CLI, which needs
// a region of the profile's own (the sandbox sets no AWS_REGION).
describe('keyless audit --fix --replace-with: the replaced profile works with the AWS CLI (built CLI, /usr/bin/aws)', function () {
  this.timeout(120_000)
  let s: SignedIn
  before(async () => {
    s = await signedInSandbox({sync: true})
  })
  after(() => s?.cleanup())

  const aws = (profile: string) =>
    run('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', s.emulator.url, '--output', 'json'], {
      env: {...s.sb.env, ...s.env, AWS_PAGER: ''},
    })

  it('the target\'s region is carried into a profile without one; a region the profile had stays', async () => {
    const config = await readFile(s.sb.configFile, 'utf8')
    expect(config).to.include('[profile workload-dev.AdministratorAccess]')
    const [old, kept] = [fakeKey(), fakeKey()]
    // old-admin: keys only (no config section); old-ops: a config section with its own region.
    await writeFile(s.sb.credentialsFile, `[old-admin]\naws_access_key_id = ${old.accessKeyId}\naws_secret_access_key = ${old.secretAccessKey}\n\n[old-ops]\naws_access_key_id = ${kept.accessKeyId}\naws_secret_access_key = ${kept.secretAccessKey}\n`)
    await writeFile(s.sb.configFile, `${config}\n[profile old-ops]\nregion = us-east-2\noutput = json\n`)
    const target = 'workload-dev.AdministratorAccess'
    const fix = await s.sb.run(['audit', '--fix', '--yes', '--profile', 'old-admin', '--profile', 'old-ops', '--replace-with', target], {env: s.env})
    expect(fix.code, fix.stderr).to.equal(0)

    const after = await readFile(s.sb.configFile, 'utf8')
    expect(after).to.include(`[profile old-admin]\ncredential_process = ${s.env.KEYLESS_BIN} credential-process --profile ${target}\nregion = eu-west-1\n`)
    expect(after).to.include(`[profile old-ops]\nregion = us-east-2\noutput = json\ncredential_process = ${s.env.KEYLESS_BIN} credential-process --profile ${target}\n`)
    expect(after.match(/region = /g)?.length).to.equal(config.match(/region = /g)!.length + 2)

    for (const profile of ['old-admin', 'old-ops']) {
      const {stdout} = await aws(profile)
      expect(JSON.parse(stdout).Account, profile).to.equal(LANDING_ZONE_ACCOUNT_IDS['workload-dev'])
    }

    // --restore takes the added region out again, with the credential_process line.
    const restore = await s.sb.run(['audit', '--restore'], {env: s.env})
    expect(restore.code, restore.stderr).to.equal(0)
    expect(await readFile(s.sb.configFile, 'utf8')).to.equal(`${config}\n[profile old-ops]\nregion = us-east-2\noutput = json\n`)
  })
})
