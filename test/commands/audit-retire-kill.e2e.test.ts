import {expect} from 'chai'
import {once} from 'node:events'
import {readFile, writeFile} from 'node:fs/promises'
import {startEmulator, type Emulator} from '../emulator/emulator.js'
import {LANDING_ZONE_IAM_USERS} from '../emulator/organization.js'
import {grepTree} from '../helpers/grep-tree.js'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'

const KEYLESS_BIN = `${process.execPath} ${CLI_ENTRY}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('keyless audit --retire under kill -9', function () {
  this.timeout(900_000)
  let emulator: Emulator
  let sb: Sandbox
  const dev = LANDING_ZONE_IAM_USERS.legacyAdmin

  before(async () => {
    emulator = await startEmulator()
    sb = await createSandbox({emulator, store: 'file'})
    await sb.writeConfig(ssoSessionConfig(emulator, {name: 'corp'}))
    expect((await sb.run(['login'], {env: {KEYLESS_BIN}})).code).to.equal(0)
    expect((await sb.run(['sync'], {env: {KEYLESS_BIN}})).code).to.equal(0)
  })
  after(async () => {
    await sb.cleanup()
    await emulator.close()
  })

  it('at any moment: the files are whole (as they were, or without the key), `audit` tells the truth, and --retire run again finishes', async () => {
    const outcomes: Record<string, number> = {}
    let duration = 0
    for (let i = 0; i < 10; i++) {
      // A fresh key each round (the previous one was retired): the IAM user gets a new one.
      const user = emulator.iamUser(dev.accountId, dev.userName)!
      const key = user.keys.length > 0 && user.keys.at(-1)!.status === 'Active' ? user.keys.at(-1)! : emulator.createUserAccessKey(dev.accountId, dev.userName)
      const original = `[legacy-admin]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`
      await writeFile(sb.credentialsFile, original, {mode: 0o600})
      const args = ['audit', '--retire', '--profile', 'legacy-admin', '--yes']
      if (i === 0) {
        // One whole run, for the time a retire takes on this machine.
        const started = Date.now()
        const whole = await sb.run(args)
        duration = Date.now() - started
        expect(whole.code, whole.stderr).to.equal(0)
        outcomes.whole = 1
      } else {
        const child = sb.spawn(args, {stdio: 'ignore'})
        // Spread over the run: start-up, the IAM reads, the deactivation, the proof, the files.
        await sleep(Math.round((0.4 + (0.9 * (i - 1)) / 8 + 0.05 * Math.random()) * duration))
        child.kill('SIGKILL')
        if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
      }
      const text = await readFile(sb.credentialsFile, 'utf8')
      const filesState = text === original ? 'file-original' : text.includes(key.accessKeyId) ? 'file-TORN' : 'file-clean'
      expect(filesState, text).to.not.equal('file-TORN')
      const status = emulator.iamUser(dev.accountId, dev.userName)!.keys.find((k) => k.accessKeyId === key.accessKeyId)!.status
      const outcome = `${filesState}/${status}`
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1

      // audit tells the truth: a key still in the file is reported, with its IAM status.
      const report = JSON.parse((await sb.run(['audit', '--check', '--json'])).stdout)
      const finding = report.findings.find((f: {profile?: string}) => f.profile === 'legacy-admin')
      if (filesState === 'file-original') expect(finding?.check?.status, outcome).to.equal(status)
      else expect(finding, outcome).to.equal(undefined)

      // Running it again finishes the job.
      const again = await sb.run(args)
      expect(again.code, `${outcome}: ${again.stderr}`).to.equal(0)
      expect(emulator.iamUser(dev.accountId, dev.userName)!.keys.find((k) => k.accessKeyId === key.accessKeyId)!.status).to.equal('Inactive')
      expect(await readFile(sb.credentialsFile, 'utf8')).to.not.include(key.accessKeyId)
      expect(grepTree(sb.home, [key.secretAccessKey])).to.deep.equal([])
      // Delete it so the next round's new key fits the 2-key quota.
      const del = await sb.run(['audit', '--delete', '--profile', 'legacy-admin', '--yes'])
      expect(del.code, del.stderr).to.equal(0)
    }
    process.stdout.write(`      outcomes: ${JSON.stringify(outcomes)}\n`)
    expect(Object.keys(outcomes).length).to.be.greaterThan(1)
  })
})
