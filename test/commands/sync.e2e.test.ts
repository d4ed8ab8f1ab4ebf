import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {generatedOrganization} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

describe('keyless sync (built CLI, emulator)', function () {
  this.timeout(180_000)
  let t: SignedIn
  afterEach(async () => t?.cleanup())

  it('writes profiles the real AWS CLI uses through credential_process; a second run changes nothing', async () => {
    t = await signedInSandbox()
    const handWritten = '\n# mine\n[profile sandbox.AdministratorAccess]\nregion = us-west-2\n'
    writeFileSync(t.sb.configFile, readFileSync(t.sb.configFile, 'utf8') + handWritten)
    const before = readFileSync(t.sb.configFile, 'utf8')
    const first = await t.sb.run(['sync'], {env: t.env})
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stdout).to.equal('')
    expect(first.stderr).to.match(/warning: not writing profile "sandbox\.AdministratorAccess" \(corp 264575131106 AdministratorAccess\): a hand-written profile has this name/)
    expect(first.stderr).to.match(/Updated .*config \(corp: 15 profiles; 15 added, 0 removed\)/)
    const after = readFileSync(t.sb.configFile, 'utf8')
    expect(after.startsWith(before)).to.equal(true)
    expect(readFileSync(`${t.sb.configFile}.keyless-backup`, 'utf8')).to.equal(before)

    // Async: the emulator answers from this process.
    const aws = await promisify(execFile)('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', 'workload-dev.ReadOnlyAccess', '--endpoint-url', t.emulator.url, '--output', 'json'], {
      env: {...t.sb.env, ...t.env},
      timeout: 60_000,
    })
    expect(JSON.parse(aws.stdout).Arn).to.match(/^arn:aws:sts::223606797749:assumed-role\/AWSReservedSSO_ReadOnlyAccess/)

    const mtime = statSync(t.sb.configFile).mtimeMs
    const again = await t.sb.run(['sync', '--json'], {env: t.env})
    expect(again.code).to.equal(0)
    expect(JSON.parse(again.stdout)).to.include({changed: false, diff: ''})
    expect(readFileSync(t.sb.configFile, 'utf8')).to.equal(after)
    expect(statSync(t.sb.configFile).mtimeMs).to.equal(mtime)
  })

  it('--dry-run prints the diff on stdout and writes nothing', async () => {
    t = await signedInSandbox()
    const before = readFileSync(t.sb.configFile, 'utf8')
    const r = await t.sb.run(['sync', '--dry-run', '--template', '{account_id}-{role_name}'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/^--- .*config\n\+\+\+ .*\n@@ /)
    expect(r.stdout).to.include('+keyless_profile_template = {account_id}-{role_name}')
    expect(r.stdout).to.include('+[profile 173205080756-PowerUserAccess]')
    expect(r.stderr).to.include('Dry run')
    expect(readFileSync(t.sb.configFile, 'utf8')).to.equal(before)
    expect(existsSync(`${t.sb.configFile}.keyless-backup`)).to.equal(false)
  })

  it('a kill -9 at any moment leaves either the old or the new config, never a mix', async function () {
    this.timeout(300_000)
    t = await signedInSandbox({org: generatedOrganization(1500, 3)})
    // Fill the account cache first, so each sync below is mostly building and writing 4,500 profiles.
    expect((await t.sb.run(['list', '--json'], {env: t.env})).code).to.equal(0)
    const old = readFileSync(t.sb.configFile, 'utf8')
    const started = Date.now()
    expect((await t.sb.run(['sync', '--dry-run'], {env: t.env})).code).to.equal(0)
    const duration = Date.now() - started
    const outcomes = new Set<string>()
    let newText: string | undefined
    for (let i = 0; i < 10; i++) {
      writeFileSync(t.sb.configFile, old)
      const child = t.sb.spawn(['sync'], {env: t.env})
      const exited = new Promise((r) => child.once('exit', r))
      const delay = Math.round(duration * (0.5 + (i / 10) * 0.8))
      await new Promise((r) => setTimeout(r, delay))
      child.kill('SIGKILL')
      await exited
      const text = readFileSync(t.sb.configFile, 'utf8')
      if (text === old) outcomes.add('old')
      else {
        // Complete: the same as what an uninterrupted sync writes.
        newText ??= await (async () => {
          writeFileSync(t.sb.configFile, old)
          expect((await t.sb.run(['sync'], {env: t.env})).code).to.equal(0)
          return readFileSync(t.sb.configFile, 'utf8')
        })()
        expect(text, `kill after ${delay} ms`).to.equal(newText)
        outcomes.add('new')
      }
    }
    expect(outcomes.has('old')).to.equal(true)
  })

  it('bad input changes no file: unknown placeholder, unknown session (exit 2, one line)', async () => {
    t = await signedInSandbox()
    const before = readFileSync(t.sb.configFile, 'utf8')
    for (const args of [['--template', '{acct}'], ['--session', 'nope'], ['--region', 'moon-1']]) {
      const r = await t.sb.run(['sync', ...args], {env: t.env})
      expect(r.code, args.join(' ')).to.equal(2)
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1)
    }
    expect(readFileSync(t.sb.configFile, 'utf8')).to.equal(before)
  })
})
