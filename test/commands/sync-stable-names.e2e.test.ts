import {readFile, writeFile} from 'node:fs/promises'
import {expect} from 'chai'
import {DEV_DEPLOYER_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

/** The text of one session's managed block, markers included. */
function block(text: string, session: string): string {
  const start = text.indexOf(`# >>> keyless managed: ${session} `)
  const endMarker = `# <<< keyless managed: ${session} <<<`
  const end = text.indexOf(endMarker)
  expect(start, `block ${session}`).to.be.greaterThan(-1)
  return text.slice(start, end + endMarker.length)
}

// Adding a second sso-session whose accounts and roles have the same names must not rename the
// profiles of the first: scripts, AWS_PROFILE and source_profile chains use them.
describe('keyless sync: profile names are stable when a second session brings the same names (built CLI, emulator)', function () {
  this.timeout(180_000)
  let t: SignedIn
  after(() => t?.cleanup())

  it('session A keeps its names byte for byte; B\'s get the suffix, with a warning naming both; a chain on an A profile still resolves', async () => {
    t = await signedInSandbox({sync: true})
    const withChain = (await readFile(t.sb.configFile, 'utf8')) +
      `\n[profile deployer]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\nsource_profile = workload-dev.AdministratorAccess\nrole_session_name = deploy-bot\n`
    await writeFile(t.sb.configFile, withChain)
    const blockA = block(withChain, 'corp')

    // Session B: another Identity Center instance (the emulator serves any start URL) with the same org.
    await writeFile(t.sb.configFile, `${withChain}\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = ${t.emulator.org.region}\nsso_registration_scopes = sso:account:access\n`)
    const login = await t.sb.run(['login', '--session', 'acme'], {env: t.env})
    expect(login.code, login.stderr).to.equal(0)
    const sync = await t.sb.run(['sync'], {env: t.env})
    expect(sync.code, sync.stderr).to.equal(0)
    expect(sync.stderr).to.match(/Updated .*\(corp: 16 profiles, acme: 16 profiles; 16 added, 0 removed\)/)
    expect(sync.stderr).to.include(
      `keyless: warning: acme ${LANDING_ZONE_ACCOUNT_IDS['workload-dev']} AdministratorAccess is written as "workload-dev.AdministratorAccess.acme": the existing profile "workload-dev.AdministratorAccess" keeps its name.`,
    )
    expect(sync.stderr.match(/keyless: warning: acme .* keeps its name\./g)).to.have.length(16)

    const after = await readFile(t.sb.configFile, 'utf8')
    expect(block(after, 'corp')).to.equal(blockA)
    expect(block(after, 'acme')).to.include('[profile workload-dev.AdministratorAccess.acme]')
    expect(after).to.include('source_profile = workload-dev.AdministratorAccess\n')

    // The chain resolves through A's profile: its first AssumeRole, signed with A's role credentials.
    const assumed = t.emulator.count('AssumeRole', DEV_DEPLOYER_ROLE_ARN)
    const chained = await t.sb.run(['credential-process', '--profile', 'deployer', '--no-login'], {env: t.env})
    expect(chained.code, chained.stderr).to.equal(0)
    expect(JSON.parse(chained.stdout)).to.include.keys('AccessKeyId', 'SessionToken', 'Expiration')
    expect(t.emulator.count('AssumeRole', DEV_DEPLOYER_ROLE_ARN)).to.equal(assumed + 1)
    const again = await t.sb.run(['sync'], {env: t.env})
    expect(again.stderr).to.match(/is up to date/)
  })
})
