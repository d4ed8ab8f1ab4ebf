import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {startEmulator, type Emulator} from '../emulator/emulator.js'
import {LANDING_ZONE_IAM_USERS} from '../emulator/organization.js'
import {grepTree} from '../helpers/grep-tree.js'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'

const KEYLESS_BIN = `${process.execPath} ${CLI_ENTRY}`

/** The synced profile for an account/role pair (whatever sync named it). */
function profileFor(config: string, accountId: string, role: string): string {
  const sections = config.split(/^\[/m).slice(1)
  const hit = sections.find((s) => s.includes(`keyless_account_id = ${accountId}`) && s.includes(`keyless_role_name = ${role}`))
  if (!hit) throw new Error(`no synced profile for ${accountId}/${role}`)
  return /^profile ([^\]]+)\]/.exec(hit)![1]
}

describe('audit --check / --retire / --reactivate / --delete against IAM (built CLI, Secret Service, emulator)', function () {
  this.timeout(300_000)
  let emulator: Emulator
  let sb: Sandbox
  let adminDev: string
  let readOnlyDev: string
  const dev = LANDING_ZONE_IAM_USERS.legacyAdmin
  const bot = LANDING_ZONE_IAM_USERS.ciBot
  let key: {accessKeyId: string; secretAccessKey: string}
  let botKey: {accessKeyId: string; secretAccessKey: string}
  let credentialsText: string

  beforeEach(async () => {
    emulator = await startEmulator()
    sb = await createSandbox({emulator})
    await sb.writeConfig(ssoSessionConfig(emulator, {name: 'corp'}))
    expect((await sb.run(['login'], {env: {KEYLESS_BIN}})).code).to.equal(0)
    const sync = await sb.run(['sync'], {env: {KEYLESS_BIN}})
    expect(sync.code, sync.stderr).to.equal(0)
    const config = await readFile(sb.configFile, 'utf8')
    adminDev = profileFor(config, dev.accountId, 'AdministratorAccess')
    readOnlyDev = profileFor(config, dev.accountId, 'ReadOnlyAccess')
    key = emulator.iamUser(dev.accountId, dev.userName)!.keys[0]
    botKey = emulator.iamUser(bot.accountId, bot.userName)!.keys[0]
    credentialsText = `[legacy-admin]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n\n` +
      `[ci-bot]\naws_access_key_id = ${botKey.accessKeyId}\naws_secret_access_key = ${botKey.secretAccessKey}\n`
    await writeFile(sb.credentialsFile, credentialsText, {mode: 0o600})
    emulator.resetCounters()
  })
  afterEach(async () => {
    await sb.cleanup()
    await emulator.close()
  })

  it('--check: account (GetAccessKeyInfo), user, status, last use through the covering profile, never with the key itself', async () => {
    const r = await sb.run(['audit', '--check', '--json'])
    expect(r.code, r.stderr).to.equal(1)
    const report = JSON.parse(r.stdout)
    const legacy = report.findings.find((f: {profile: string}) => f.profile === 'legacy-admin')
    expect(legacy.check).to.deep.include({ok: true, account: dev.accountId, userName: 'legacy-admin', status: 'Active', via: adminDev, usedKeyItself: false})
    expect(legacy.check.lastUsed.service).to.equal('s3')
    expect(legacy.check.coveredBy).to.include.members([adminDev, readOnlyDev])
    const ci = report.findings.find((f: {profile: string}) => f.profile === 'ci-bot')
    expect(ci.check.lastUsed.service).to.equal('ecr')
    // The keys were not used: IAM's last-used records are the fixture's.
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys[0].lastUsed?.service).to.equal('s3')
    expect(emulator.count('GetAccessKeyInfo')).to.equal(2)
    const text = await sb.run(['audit', '--check'])
    expect(text.stdout).to.match(/key Active, last used \S+ \(s3, eu-west-1\); asked IAM through profile /)
    expect(text.stdout + text.stderr).to.not.include(key.secretAccessKey)
  })

  it('a --keep profile: --retire then --reactivate keeps the key in the store (no line goes back into the files)', async () => {
    const fix = await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'legacy-admin'], {env: {KEYLESS_BIN}})
    expect(fix.code, fix.stderr).to.equal(0)
    const keptFiles = await readFile(sb.credentialsFile, 'utf8')
    expect(keptFiles).to.not.include(key.accessKeyId)
    const retire = await sb.run(['audit', '--retire', '--profile', 'legacy-admin', '--yes', '--force'])
    expect(retire.code, retire.stderr).to.equal(0)
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys[0].status).to.equal('Inactive')
    const back = await sb.run(['audit', '--reactivate', '--profile', 'legacy-admin'])
    expect(back.code, back.stderr).to.equal(0)
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys[0].status).to.equal('Active')
    expect(await readFile(sb.credentialsFile, 'utf8')).to.equal(keptFiles)
    expect(grepTree(sb.home, [key.secretAccessKey])).to.deep.equal([])
    // Still served from the store, as --keep set it up.
    const served = await sb.run(['credential-process', '--profile', 'legacy-admin'])
    expect(served.code, served.stderr).to.equal(0)
    expect(JSON.parse(served.stdout).AccessKeyId).to.match(/^ASIA/)
  })

  it('--retire: deactivated, proven dead, files clean, kept in the store; --reactivate brings it back; --retire again and --delete remove it from IAM', async () => {
    const retire = await sb.run(['audit', '--retire', '--profile', 'legacy-admin', '--yes', '--json'])
    expect(retire.code, retire.stderr).to.equal(0)
    expect(retire.stderr).to.match(/Key AKIA\*{4}\w{4} of IAM user legacy-admin in account \d{12}: Active, last used 41 days ago \(s3, eu-west-1\)/)
    const result = JSON.parse(retire.stdout)
    expect(result).to.deep.include({profile: 'legacy-admin', provenDead: true, storeKey: 'user-key/legacy-admin'})
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys[0].status).to.equal('Inactive')
    expect(await readFile(sb.credentialsFile, 'utf8')).to.not.include(key.accessKeyId)
    expect(await readFile(sb.credentialsFile, 'utf8')).to.include(botKey.accessKeyId)
    expect(emulator.count('UpdateAccessKey')).to.equal(1)
    expect(grepTree(sb.home, [key.secretAccessKey])).to.deep.equal([])

    const check = JSON.parse((await sb.run(['audit', '--check', '--json'])).stdout)
    expect(check.findings.find((f: {profile: string}) => f.profile === 'legacy-admin')).to.equal(undefined)

    const back = await sb.run(['audit', '--reactivate', '--profile', 'legacy-admin'])
    expect(back.code, back.stderr).to.equal(0)
    expect(back.stdout).to.match(/Reactivated key AKIA\*{4}\w{4} of legacy-admin: Active in IAM, proven working; lines put back in ~\/\.aws\/credentials/)
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys[0].status).to.equal('Active')
    expect(await readFile(sb.credentialsFile, 'utf8')).to.equal(credentialsText)

    const refused = await sb.run(['audit', '--delete', '--profile', 'legacy-admin', '--yes'])
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.match(/No retired key for profile "legacy-admin"/)

    // Proving the reactivated key works was a use of it a moment ago: retiring again without a terminal needs --force.
    const again = await sb.run(['audit', '--retire', '--profile', 'legacy-admin', '--yes'])
    expect(again.code).to.equal(2)
    expect(again.stderr).to.match(/was used \d+ minutes ago \(sts, us-east-1\)/)
    expect((await sb.run(['audit', '--retire', '--profile', 'legacy-admin', '--yes', '--force'])).code).to.equal(0)
    const del = await sb.run(['audit', '--delete', '--profile', 'legacy-admin', '--yes'])
    expect(del.code, del.stderr).to.equal(0)
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys).to.deep.equal([])
    const restore = await sb.run(['audit', '--restore', '--profile', 'legacy-admin'])
    expect(restore.code).to.equal(2)
    expect(restore.stderr).to.match(/^keyless: Nothing stored for "legacy-admin"\./)
  })

  it('a key used 2 hours ago: --yes alone is refused without a terminal, --yes --force retires it', async () => {
    const refused = await sb.run(['audit', '--retire', '--profile', 'ci-bot', '--yes'])
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.match(/was used 2 hours ago \(ecr, eu-west-1\): deactivating it breaks whatever uses it\. Nothing was changed\./)
    expect(emulator.iamUser(bot.accountId, bot.userName)!.keys[0].status).to.equal('Active')
    expect(await readFile(sb.credentialsFile, 'utf8')).to.equal(credentialsText)
    const forced = await sb.run(['audit', '--retire', '--profile', 'ci-bot', '--yes', '--force'])
    expect(forced.code, forced.stderr).to.equal(0)
    expect(emulator.iamUser(bot.accountId, bot.userName)!.keys[0].status).to.equal('Inactive')
  })

  it('AccessDenied on UpdateAccessKey through a ReadOnlyAccess profile names the permission and suggests --via', async () => {
    const r = await sb.run(['audit', '--retire', '--profile', 'legacy-admin', '--yes', '--via', readOnlyDev])
    expect(r.code).to.equal(4)
    expect(r.stderr).to.match(/keyless: IAM denied iam:UpdateAccessKey on user legacy-admin to profile \S+; nothing was changed\. The signer needs iam:UpdateAccessKey: pass --via with an AdministratorAccess profile of account \d{12}\./)
    expect(emulator.iamUser(dev.accountId, dev.userName)!.keys[0].status).to.equal('Active')
    expect(await readFile(sb.credentialsFile, 'utf8')).to.equal(credentialsText)
  })

  it('--retire --replace-with keeps the profile name through an Identity Center profile', async () => {
    const r = await sb.run(['audit', '--retire', '--profile', 'legacy-admin', '--yes', '--replace-with', adminDev], {env: {KEYLESS_BIN}})
    expect(r.code, r.stderr).to.equal(0)
    const config = await readFile(sb.configFile, 'utf8')
    expect(config).to.include(`[profile legacy-admin]\ncredential_process = ${KEYLESS_BIN} credential-process --profile ${adminDev}\n`)
    const aws = await new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
      execFile('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', 'legacy-admin', '--endpoint-url', emulator.url, '--region', 'eu-west-1', '--output', 'json'], {env: sb.env},
        (error, stdout, stderr) => resolve({code: error ? 1 : 0, stdout, stderr}))
    })
    expect(aws.code, aws.stderr).to.equal(0)
    expect(JSON.parse(aws.stdout).Arn).to.match(new RegExp(`^arn:aws:sts::${dev.accountId}:assumed-role/AWSReservedSSO_AdministratorAccess_`))
  })
})
