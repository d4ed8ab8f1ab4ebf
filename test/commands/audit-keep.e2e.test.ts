import {expect} from 'chai'
import {execFile, spawn} from 'node:child_process'
import {chmod, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Secret, TOTP} from 'otpauth'
import {startEmulator, type Emulator} from '../emulator/emulator.js'
import {LANDING_ZONE_IAM_USERS, MFA_OPS_ROLE_ARN} from '../emulator/organization.js'
import {grepTree} from '../helpers/grep-tree.js'
import {CLI_ENTRY, createSandbox, REPO_ROOT, type Sandbox} from '../helpers/sandbox.js'
import {startTmux} from '../guard/tmux-session.js'

const AWS = '/usr/bin/aws'
const KEYLESS_BIN = `${process.execPath} ${CLI_ENTRY}`
const BOTO3 = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'boto3_client.py')

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a program with the sandbox env in a new session (setsid): no controlling terminal, like CI or a daemon. */
function runDetached(sb: Sandbox, file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn('setsid', ['-w', file, ...args], {cwd: sb.home, env: {...sb.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('close', (code) => resolve({code, stdout, stderr}))
  })
}

const totp = (seed: string, ms = Date.now()) => new TOTP({secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: 6, period: 30}).generate({timestamp: ms})

describe('audit --fix --keep: a kept IAM-user key served as GetSessionToken credentials (built CLI, Secret Service, emulator)', function () {
  this.timeout(300_000)
  let emulator: Emulator
  let sb: Sandbox
  const outputs: string[] = []
  const keep = (r: Result) => {
    outputs.push(r.stdout, r.stderr)
    return r
  }

  beforeEach(async () => {
    emulator = await startEmulator()
    sb = await createSandbox({emulator})
    outputs.length = 0
  })
  afterEach(async () => {
    await sb.cleanup()
    await emulator.close()
  })

  async function plant(profile: string, user: {accountId: string; userName: string}, extraConfig = ''): Promise<{accessKeyId: string; secretAccessKey: string}> {
    const key = emulator.iamUser(user.accountId, user.userName)!.keys[0]
    await writeFile(sb.credentialsFile, `[${profile}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`, {mode: 0o600})
    await sb.writeConfig(`[profile ${profile}]\nregion = eu-west-1\n${extraConfig}`)
    return key
  }

  it('moves the key into the store; /usr/bin/aws and boto3 get session credentials (one GetSessionToken); the key is never printed or left in HOME', async () => {
    const key = await plant('legacy-admin', LANDING_ZONE_IAM_USERS.legacyAdmin)
    const fix = keep(await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'legacy-admin'], {env: {KEYLESS_BIN}}))
    expect(fix.code, fix.stderr).to.equal(0)
    expect(fix.stdout).to.include('legacy-admin keeps working').and.include('user-key/legacy-admin')
    expect(await readFile(sb.credentialsFile, 'utf8')).to.not.include(key.accessKeyId)
    const config = await readFile(sb.configFile, 'utf8')
    expect(config).to.equal(`[profile legacy-admin]\nregion = eu-west-1\ncredential_process = ${KEYLESS_BIN} credential-process --profile legacy-admin\nkeyless_stored_key = legacy-admin\n`)

    const aws = keep(await runDetached(sb, AWS, ['sts', 'get-caller-identity', '--profile', 'legacy-admin', '--endpoint-url', emulator.url, '--output', 'json']))
    expect(aws.code, aws.stderr).to.equal(0)
    expect(JSON.parse(aws.stdout).Arn).to.equal(`arn:aws:iam::${LANDING_ZONE_IAM_USERS.legacyAdmin.accountId}:user/legacy-admin`)
    expect(emulator.count('GetSessionToken')).to.equal(1)

    const boto = keep(await runDetached(sb, '/usr/bin/python3', [BOTO3, 'legacy-admin', emulator.url]))
    expect(boto.code, boto.stderr).to.equal(0)
    const got = JSON.parse(boto.stdout)
    expect(got.accessKeyId).to.match(/^ASIA/)
    expect(got.sessionToken).to.be.a('string').and.not.equal('')
    expect(got.Arn).to.equal(`arn:aws:iam::${LANDING_ZONE_IAM_USERS.legacyAdmin.accountId}:user/legacy-admin`)
    expect(emulator.count('GetSessionToken'), 'the session is cached in the store').to.equal(1)

    const exec = keep(await sb.run(['exec', 'legacy-admin', '--', 'sh', '-c', 'echo "$AWS_ACCESS_KEY_ID ${AWS_SESSION_TOKEN:+has-token}"']))
    expect(exec.code, exec.stderr).to.equal(0)
    expect(exec.stdout).to.match(/^ASIA\w+ has-token\n$/)

    const consoleRun = keep(await sb.run(['console', 'legacy-admin', '--print']))
    expect(consoleRun.code).to.equal(2)
    expect(consoleRun.stderr).to.match(/^keyless: Profile "legacy-admin" is served from an IAM user key as GetSessionToken credentials, which AWS does not accept for console sign-in/)

    // The last use IAM records is keyless's GetSessionToken, never a tool using the key itself.
    expect(emulator.iamUser(LANDING_ZONE_IAM_USERS.legacyAdmin.accountId, 'legacy-admin')!.keys[0].lastUsed?.service).to.equal('sts')
    for (const text of outputs) expect(text).to.not.include(key.secretAccessKey)
    expect(outputs.join('')).to.not.include(key.accessKeyId)
    expect(grepTree(sb.home, [key.secretAccessKey, key.accessKeyId])).to.deep.equal([])
  })

  it('--restore puts the key back and forgets the kept copy; a profile whose key is gone fails with one line', async () => {
    const key = await plant('legacy-admin', LANDING_ZONE_IAM_USERS.legacyAdmin)
    const credentialsBefore = await readFile(sb.credentialsFile, 'utf8')
    expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'legacy-admin'], {env: {KEYLESS_BIN}})).code).to.equal(0)
    const restore = await sb.run(['audit', '--restore', '--profile', 'legacy-admin'])
    expect(restore.code, restore.stderr).to.equal(0)
    expect(await readFile(sb.credentialsFile, 'utf8')).to.equal(credentialsBefore)
    expect(await readFile(sb.configFile, 'utf8')).to.equal('[profile legacy-admin]\nregion = eu-west-1\n')
    // Point a profile at the (now forgotten) stored key: one clear line, exit 2.
    await sb.writeConfig('[profile ghost]\ncredential_process = keyless credential-process --profile ghost\nkeyless_stored_key = legacy-admin\n')
    const ghost = await sb.run(['credential-process', '--profile', 'ghost'])
    expect(ghost.code).to.equal(2)
    expect(ghost.stdout).to.equal('')
    expect(ghost.stderr.trim().split('\n')).to.have.length(1)
    expect(ghost.stderr).to.match(/^keyless: Profile "ghost" is served from a stored key \(keyless_stored_key = legacy-admin\), but the secret store holds no key "legacy-admin"/)
    expect(key.accessKeyId).to.match(/^AKIA/)
  })

  it('a key deactivated in IAM: credential-process fails with one line naming the masked key, exit 4', async () => {
    await plant('legacy-admin', LANDING_ZONE_IAM_USERS.legacyAdmin)
    expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'legacy-admin'], {env: {KEYLESS_BIN}})).code).to.equal(0)
    const admin = emulator.iamUser(LANDING_ZONE_IAM_USERS.legacyAdmin.accountId, 'legacy-admin')!
    // Deactivate through the IAM API as an administrator would (the user's own key, self-service).
    const r = await new Promise<Result>((resolve) => execFile(AWS, ['iam', 'update-access-key', '--access-key-id', admin.keys[0].accessKeyId, '--status', 'Inactive',
      '--endpoint-url', emulator.url, '--region', 'us-east-1'], {env: {PATH: process.env.PATH, HOME: sb.home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: admin.keys[0].accessKeyId, AWS_SECRET_ACCESS_KEY: admin.keys[0].secretAccessKey}}, (error, stdout, stderr) => resolve({code: error ? 1 : 0, stdout, stderr})))
    expect(r.code, r.stderr).to.equal(0)
    const denied = await sb.run(['credential-process', '--profile', 'legacy-admin'])
    expect(denied.code).to.equal(4)
    const masked = `${admin.keys[0].accessKeyId.slice(0, 4)}…${admin.keys[0].accessKeyId.slice(-4)}`
    expect(denied.stderr).to.match(new RegExp(`^keyless: AWS does not accept the key stored for profile "legacy-admin" \\(${masked}\\): it is inactive or deleted in IAM\\.`))
  })

  it('rotate: a new key proven and stored, the old one deactivated, dead and deleted; the profile keeps working; two keys already: refused', async () => {
    const old = await plant('legacy-admin', LANDING_ZONE_IAM_USERS.legacyAdmin)
    expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'legacy-admin'], {env: {KEYLESS_BIN}})).code).to.equal(0)
    const r = keep(await sb.run(['rotate', 'legacy-admin', '--yes', '--json']))
    expect(r.code, r.stderr).to.equal(0)
    const result = JSON.parse(r.stdout)
    expect(result).to.deep.include({profile: 'legacy-admin', userName: 'legacy-admin', oldDeleted: true})
    const keys = emulator.iamUser(LANDING_ZONE_IAM_USERS.legacyAdmin.accountId, 'legacy-admin')!.keys
    expect(keys).to.have.length(1)
    expect(keys[0].accessKeyId).to.not.equal(old.accessKeyId)
    expect(keys[0].status).to.equal('Active')
    const cp = keep(await sb.run(['credential-process', '--profile', 'legacy-admin']))
    expect(cp.code, cp.stderr).to.equal(0)
    const after = emulator.iamUser(LANDING_ZONE_IAM_USERS.legacyAdmin.accountId, 'legacy-admin')!.keys[0]
    expect(after.lastUsed?.service, 'the profile now uses the new key').to.equal('sts')
    expect(JSON.parse(cp.stdout).AccessKeyId).to.match(/^ASIA/)
    for (const text of outputs) expect(text).to.not.include(keys[0].secretAccessKey)
    expect(grepTree(sb.home, [keys[0].secretAccessKey, old.secretAccessKey])).to.deep.equal([])

    // old-deployer has an active and an inactive key: AWS allows two, so rotate stops before any change.
    const deployer = LANDING_ZONE_IAM_USERS.oldDeployer
    const dKey = emulator.iamUser(deployer.accountId, deployer.userName)!.keys[0]
    await writeFile(sb.credentialsFile, `[deployer]\naws_access_key_id = ${dKey.accessKeyId}\naws_secret_access_key = ${dKey.secretAccessKey}\n`)
    expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'deployer'], {env: {KEYLESS_BIN}})).code).to.equal(0)
    const two = await sb.run(['rotate', 'deployer', '--yes'])
    expect(two.code).to.equal(2)
    expect(two.stderr).to.match(/IAM user old-deployer already has two access keys \(AKIA\*{4}\w{4} \(Active\), AKIA\*{4}\w{4} \(Inactive\)\); AWS allows two/)
    expect(emulator.iamUser(deployer.accountId, deployer.userName)!.keys).to.have.length(2)
    expect(emulator.count('CreateAccessKey')).to.equal(1)
  })

  describe('MFA (jane.legacy: MFA required)', () => {
    const jane = LANDING_ZONE_IAM_USERS.janeLegacy

    it('mfa_process: 20 parallel credential-process calls run it once and call GetSessionToken once', async () => {
      const user = emulator.iamUser(jane.accountId, jane.userName)!
      const script = join(sb.home, 'bin', 'mfa-code')
      await writeFile(script, `#!/bin/sh\necho run >> "$HOME/mfa-runs"\nsleep 0.3\ncat "$HOME/mfa-code"\n`)
      await chmod(script, 0o755)
      await writeFile(join(sb.home, 'mfa-code'), `${totp(user.mfa!.seed)}\n`)
      await plant('jane', jane, `mfa_serial = ${user.mfa!.serialNumber}\nmfa_process = ${script}\n`)
      const fix = await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'jane'], {env: {KEYLESS_BIN}})
      expect(fix.code, fix.stderr).to.equal(0)
      expect(await readFile(sb.configFile, 'utf8')).to.include(`mfa_serial = ${user.mfa!.serialNumber}`).and.include('keyless_stored_key = jane')

      const calls = await Promise.all(Array.from({length: 20}, () => runDetached(sb, process.execPath, [CLI_ENTRY, 'credential-process', '--profile', 'jane'])))
      for (const c of calls) expect(c.code, c.stderr).to.equal(0)
      const ids = new Set(calls.map((c) => JSON.parse(c.stdout).AccessKeyId as string))
      expect(ids.size).to.equal(1)
      expect([...ids][0]).to.match(/^ASIA/)
      expect(emulator.count('GetSessionToken')).to.equal(1)
      expect((await readFile(join(sb.home, 'mfa-runs'), 'utf8')).trim().split('\n')).to.have.length(1)
      // 12 hours by default (AWS's GetSessionToken default).
      const expiration = Date.parse(JSON.parse(calls[0].stdout).Expiration)
      expect(expiration - Date.now()).to.be.closeTo(43_200_000, 120_000)
    })

    it('without a terminal and without mfa_process: fails at once with one line saying how to start a session', async () => {
      const user = emulator.iamUser(jane.accountId, jane.userName)!
      await plant('jane', jane, `mfa_serial = ${user.mfa!.serialNumber}\n`)
      expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'jane'], {env: {KEYLESS_BIN}})).code).to.equal(0)
      const r = await runDetached(sb, process.execPath, [CLI_ENTRY, 'credential-process', '--profile', 'jane'])
      expect(r.code).to.equal(3)
      expect(r.stdout).to.equal('')
      expect(r.stderr).to.match(/^keyless: Profile "jane" needs an MFA code \(arn:aws:iam::\d{12}:mfa\/jane\.legacy\) and there is no terminal to ask on\. .*keyless exec jane -- true/)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(emulator.count('GetSessionToken')).to.equal(0)
    })

    it('on a terminal (tmux): asked once on /dev/tty for 20 parallel AWS CLI-style calls (stderr captured); a wrong code is asked again', async () => {
      const user = emulator.iamUser(jane.accountId, jane.userName)!
      await plant('jane', jane, `mfa_serial = ${user.mfa!.serialNumber}\n`)
      expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'jane'], {env: {KEYLESS_BIN}})).code).to.equal(0)
      // 20 callers that capture stdout and stderr, as the AWS CLI does with credential_process.
      const out = join(sb.home, 'out')
      const runner = join(sb.home, 'bin', 'twenty')
      await writeFile(runner, `#!/bin/sh\nfor i in $(seq 1 20); do ${KEYLESS_BIN} credential-process --profile jane > "${out}.$i" 2> "${out}.$i.err" & done\nwait\necho ALL-DONE\n`)
      await chmod(runner, 0o755)
      const env = Object.fromEntries(Object.entries(sb.env).filter(([, v]) => v !== undefined)) as Record<string, string>
      const tmux = startTmux(sb.home, `env ${Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join(' ')} ${runner}; sleep 30`, env)
      try {
        const wrong = String((Number(totp(user.mfa!.seed)) + 1) % 1_000_000).padStart(6, '0')
        await tmux.waitFor(/MFA code for arn:aws:iam::\d{12}:mfa\/jane\.legacy \(profile jane\): $/m, 180_000)
        tmux.send(wrong, 'Enter')
        await tmux.waitFor(/AWS refused that code \(wrong, or already used\)\. Next MFA code/, 30_000)
        tmux.send(totp(user.mfa!.seed), 'Enter')
        const screen = await tmux.waitFor(/ALL-DONE/, 120_000)
        expect(screen.match(/^MFA code for arn/gm), 'one first prompt for 20 callers').to.have.length(1)
        expect(screen.match(/Next MFA code/g), 'one prompt after the wrong code').to.have.length(1)
      } finally {
        tmux.close()
      }
      const ids = new Set<string>()
      for (let i = 1; i <= 20; i++) {
        const text = await readFile(`${out}.${i}`, 'utf8')
        expect(text, `caller ${i}: ${await readFile(`${out}.${i}.err`, 'utf8')}`).to.not.equal('')
        ids.add(JSON.parse(text).AccessKeyId)
      }
      expect(ids.size).to.equal(1)
      expect(emulator.count('GetSessionToken'), 'one wrong code, one good').to.equal(2)
    })

    it('a role chain with mfa_serial assumes its role from the MFA session, capped at 1 hour by role chaining', async () => {
      const user = emulator.iamUser(jane.accountId, jane.userName)!
      await writeFile(join(sb.home, 'mfa-code'), `${totp(user.mfa!.seed)}\n`)
      await plant('jane', jane, `\n[profile ops]\nrole_arn = ${MFA_OPS_ROLE_ARN}\nsource_profile = jane\nmfa_serial = ${user.mfa!.serialNumber}\nmfa_process = cat "$HOME/mfa-code"\nduration_seconds = 7200\n`)
      expect((await sb.run(['audit', '--fix', '--keep', '--yes', '--profile', 'jane'], {env: {KEYLESS_BIN}})).code).to.equal(0)
      const r = await runDetached(sb, process.execPath, [CLI_ENTRY, 'credential-process', '--profile', 'ops'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stderr).to.include('AWS caps role chaining at 3600')
      const creds = JSON.parse(r.stdout)
      expect(Date.parse(creds.Expiration) - Date.now()).to.be.closeTo(3_600_000, 120_000)
      expect(emulator.count('GetSessionToken')).to.equal(1)
      expect(emulator.count('AssumeRole')).to.equal(1)
    })
  })
})
