import {expect} from 'chai'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startEmulator, type Emulator} from '../emulator/emulator.js'
import {grepTree, outsideHomeDirs} from '../helpers/grep-tree.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'
import type {AuditReport} from '../../src/audit/audit-types.js'
import {allSecrets, CONFIG_TEXT, plantKeys, type PlantedKeys} from './audit-fixtures.js'

/** Fragments of a secret long enough to mean a leak (8 characters of any of them). */
function leaks(output: string, secrets: string[]): string[] {
  return secrets.flatMap((s) => {
    const found: string[] = []
    for (let i = 0; i + 8 <= s.length; i += 4) if (output.includes(s.slice(i, i + 8)) && !/^(AKIA|ASIA)/.test(s.slice(i, i + 8))) found.push(s.slice(i, i + 8))
    return found
  })
}

describe('keyless audit (built CLI, fixture homes)', function () {
  this.timeout(120_000)
  let emulator: Emulator
  before(async () => {
    emulator = await startEmulator()
  })
  after(async () => {
    await emulator.close()
  })

  describe('scan', () => {
    let sandbox: Sandbox
    let keys: PlantedKeys
    beforeEach(async () => {
      sandbox = await createSandbox({emulator})
      keys = await plantKeys(sandbox.home, sandbox.configFile, sandbox.credentialsFile)
    })
    afterEach(async () => sandbox.cleanup())

    it('finds keys in every place, masked, and exits 1', async () => {
      const env = {AWS_ACCESS_KEY_ID: keys.env.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.env.secretAccessKey}
      const {code, stdout, stderr} = await sandbox.run(['audit'], {env})
      expect(code, stderr).to.equal(1)
      expect(stderr).to.equal('')
      const mask = (id: string) => `${id.slice(0, 4)}****${id.slice(-4)}`
      for (const k of [keys.legacy, keys.ci, keys.shell, keys.fish, keys.stale, keys.env]) expect(stdout).to.include(mask(k.accessKeyId))
      expect(stdout).to.match(/HIGH {4}~\/\.aws\/credentials:3 {2}profile legacy/)
      expect(stdout).to.include('~/.aws/config:17  profile ci')
      expect(stdout).to.include('~/.bashrc:3')
      expect(stdout).to.include('~/.config/fish/config.fish:1')
      expect(stdout).to.include('$AWS_ACCESS_KEY_ID')
      expect(stdout).to.match(/LOW {5}~\/\.aws\/credentials:7 {2}profile stale .*temporary credentials, expired/)
      expect(stdout).to.match(/INFO {4}~\/\.aws\/sso\/cache\/f00\.json/)
      expect(stdout).to.include('file last modified 400 days ago (file mtime')
      expect(stdout).to.match(/5 long-lived keys on this machine/)
      for (const secret of allSecrets(keys)) {
        expect(stdout + stderr, 'full key id or secret printed').not.to.include(secret)
      }
      expect(leaks(stdout + stderr, allSecrets(keys))).to.deep.equal([])
    })

    it('--json: findings, summary and what was scanned; still exit 1; no secret', async () => {
      const {code, stdout, stderr} = await sandbox.run(['audit', '--json'])
      expect(code, stderr).to.equal(1)
      const report = JSON.parse(stdout) as AuditReport
      expect(report.summary).to.deep.equal({total: 7, longLived: 4, bySeverity: {high: 4, medium: 0, low: 1, info: 2}})
      const legacy = report.findings.find((f) => f.profile === 'legacy')!
      expect(legacy).to.deep.include({
        kind: 'aws-file',
        location: '~/.aws/credentials:3',
        file: sandbox.credentialsFile,
        line: 3,
        keyId: `${keys.legacy.accessKeyId.slice(0, 4)}****${keys.legacy.accessKeyId.slice(-4)}`,
        keyType: 'long-lived',
        longLived: true,
        severity: 'high',
        fileAgeDays: 400,
        fixable: true,
      })
      expect(legacy.advice).to.match(/keyless audit --fix --profile legacy/)
      expect(report.scanned).to.include.members(['~/.aws/credentials', '~/.aws/config', 'environment', '~/.bashrc', '~/.config/fish/config.fish'])
      expect(leaks(stdout + stderr, allSecrets(keys))).to.deep.equal([])
    })

    it('exits 0 when only temporary credentials and caches are left', async () => {
      await rm(sandbox.credentialsFile)
      await writeFile(sandbox.configFile, CONFIG_TEXT)
      await rm(join(sandbox.home, '.bashrc'))
      await rm(join(sandbox.home, '.config', 'fish'), {recursive: true})
      const {code, stdout, stderr} = await sandbox.run(['audit'])
      expect(code, stderr).to.equal(0)
      expect(stdout).to.match(/^no long-lived keys \(2 findings: 2 info\)/)
      const clean = await sandbox.run(['audit', '--json'], {env: {HOME: sandbox.home}})
      expect(JSON.parse(clean.stdout).summary.longLived).to.equal(0)
    })

    it('--check names account and principal per key, says which keyless profile covers it, and reports a refused key without failing', async () => {
      const real = emulator.createUserAccessKey('111111111111', 'alice')
      const other = emulator.createUserAccessKey('222222222222', 'bob')
      await writeFile(
        sandbox.credentialsFile,
        `[alice]\naws_access_key_id = ${real.accessKeyId}\naws_secret_access_key = ${real.secretAccessKey}\n` +
          `[bob]\naws_access_key_id = ${other.accessKeyId}\naws_secret_access_key = ${other.secretAccessKey}\n` +
          `[revoked]\naws_access_key_id = ${keys.legacy.accessKeyId}\naws_secret_access_key = ${keys.legacy.secretAccessKey}\n`,
      )
      const {code, stdout, stderr} = await sandbox.run(['audit', '--check', '--json'])
      expect(code, stderr).to.equal(1)
      const report = JSON.parse(stdout) as AuditReport
      const by = (p: string) => report.findings.find((f) => f.profile === p)!.check
      expect(by('alice')).to.deep.include({ok: true, account: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', coveredBy: ['prod-admin']})
      expect(by('bob')).to.deep.include({ok: true, account: '222222222222', coveredBy: []})
      expect(by('revoked')?.ok).to.equal(false)
      expect((by('revoked') as {error: string}).error).to.match(/InvalidClientTokenId/)
      expect(report.findings.find((f) => f.profile === 'alice')!.advice).to.include('--replace-with prod-admin')
      const human = await sandbox.run(['audit', '--check'])
      expect(human.stdout).to.include('account 111111111111  arn:aws:iam::111111111111:user/alice  (covered by keyless profile prod-admin)')
      expect(human.stdout).to.include('no keyless profile covers this account yet')
      expect(human.stdout).to.match(/STS check failed: InvalidClientTokenId/)
      const secrets = [real.secretAccessKey, other.secretAccessKey, real.accessKeyId, other.accessKeyId, ...allSecrets(keys)]
      for (const s of secrets) expect(stdout + stderr + human.stdout + human.stderr).not.to.include(s)
      expect(emulator.count('GetCallerIdentity')).to.be.greaterThan(0)
    })
  })

  for (const store of ['keychain', 'file'] as const) {
    describe(`--fix / --restore (${store} store)`, () => {
      let sandbox: Sandbox
      let keys: PlantedKeys
      let privateTmp: string
      beforeEach(async () => {
        sandbox = await createSandbox({emulator, store})
        keys = await plantKeys(sandbox.home, sandbox.configFile, sandbox.credentialsFile)
        privateTmp = await mkdtemp(join(tmpdir(), 'keyless-audit-tmp-'))
      })
      afterEach(async () => {
        await sandbox.cleanup()
        await rm(privateTmp, {recursive: true, force: true})
      })

      it('moves every long-lived key off disk (nothing in plaintext under HOME or tmp), then restores byte for byte', async () => {
        const files = [sandbox.credentialsFile, sandbox.configFile, join(sandbox.home, '.bashrc'), join(sandbox.home, '.config', 'fish', 'config.fish')]
        const before = await Promise.all(files.map((f) => readFile(f)))
        const env = {TMPDIR: privateTmp, KEYLESS_BIN: 'keyless'}
        const fix = await sandbox.run(['audit', '--fix', '--yes', '--replace-with', 'prod-admin'], {env})
        expect(fix.code, fix.stderr).to.equal(0)
        expect(fix.stdout).to.include('Moved the keys of legacy into the secret store (audit/legacy)')
        expect(fix.stdout).to.include('legacy now gets temporary credentials from keyless profile prod-admin')

        const planted = [keys.legacy, keys.ci, keys.shell, keys.fish, keys.stale].flatMap((k) => [k.secretAccessKey, k.accessKeyId])
        expect(grepTree(sandbox.home, planted), 'plaintext key material under HOME').to.deep.equal([])
        expect(grepTree(privateTmp, planted)).to.deep.equal([])
        expect(outsideHomeDirs().flatMap((dir) => grepTree(dir, planted)), 'plaintext key material in the test keyring').to.deep.equal([])
        expect(leaks(fix.stdout + fix.stderr, allSecrets(keys))).to.deep.equal([])

        const config = await readFile(sandbox.configFile, 'utf8')
        expect(config).to.include('[profile legacy]\ncredential_process = keyless credential-process --profile prod-admin\n')
        expect(config).to.include('[profile ci]\nregion = eu-central-1\ncredential_process = keyless credential-process --profile prod-admin\n')
        const after = await sandbox.run(['audit', '--json'])
        expect(after.code).to.equal(0)
        expect(JSON.parse(after.stdout).summary.longLived).to.equal(0)

        const restore = await sandbox.run(['audit', '--restore'], {env})
        expect(restore.code, restore.stderr).to.equal(0)
        expect(restore.stdout).to.match(/Restored legacy: ~\/\.aws\/credentials \(byte for byte\)/)
        const restored = await Promise.all(files.map((f) => readFile(f)))
        restored.forEach((buf, i) => expect(buf.equals(before[i]), files[i]).to.equal(true))
        const again = await sandbox.run(['audit', '--restore'])
        expect(again.stdout).to.equal('Nothing to restore.\n')
      })

      it('--profile picks one; --restore --profile puts back only that one', async () => {
        const original = await readFile(sandbox.credentialsFile, 'utf8')
        const fix = await sandbox.run(['audit', '--fix', '--yes', '--profile', 'legacy'])
        expect(fix.code, fix.stderr).to.equal(0)
        const text = await readFile(sandbox.credentialsFile, 'utf8')
        expect(text).not.to.include(keys.legacy.secretAccessKey)
        expect(text).to.include(keys.stale.secretAccessKey)
        expect(await readFile(join(sandbox.home, '.bashrc'), 'utf8')).to.include(keys.shell.secretAccessKey)
        const wrong = await sandbox.run(['audit', '--restore', '--profile', 'ci'])
        expect(wrong.code).to.equal(2)
        expect(wrong.stderr).to.equal('keyless: Nothing stored for "ci". Stored by --fix: legacy.\n')
        const restore = await sandbox.run(['audit', '--restore', '--profile', 'legacy'])
        expect(restore.code, restore.stderr).to.equal(0)
        expect(await readFile(sandbox.credentialsFile, 'utf8')).to.equal(original)
      })

      it('--restore stuck after the section was renamed names --restore --append on its error line; --append gets the key back (hardening #14 item 5)', async () => {
        const fix = await sandbox.run(['audit', '--fix', '--yes', '--profile', 'legacy'])
        expect(fix.code, fix.stderr).to.equal(0)
        const renamed = (await readFile(sandbox.credentialsFile, 'utf8')).replace('[legacy]', '[legacy-renamed]')
        await writeFile(sandbox.credentialsFile, renamed)
        const stuck = await sandbox.run(['audit', '--restore'])
        expect(stuck.code).to.equal(1)
        expect(stuck.stderr.trim().split('\n')).to.have.length(1)
        expect(stuck.stderr).to.match(/^keyless: 1 profile\(s\) could not be restored: .*Run `keyless audit --restore --append`/)
        expect(stuck.stdout).to.include('`keyless audit --restore --append --profile legacy`')
        expect(await readFile(sandbox.credentialsFile, 'utf8')).to.equal(renamed)
        const append = await sandbox.run(['audit', '--restore', '--append'])
        expect(append.code, append.stderr).to.equal(0)
        expect(append.stdout).to.include('Restored legacy: ~/.aws/credentials (lines appended as their own section at the end)')
        const text = await readFile(sandbox.credentialsFile, 'utf8')
        expect(text.startsWith(renamed)).to.equal(true)
        expect(text).to.include(keys.legacy.secretAccessKey)
        expect((await sandbox.run(['audit', '--restore'])).stdout).to.equal('Nothing to restore.\n')
      })

      it('refuses without a terminal unless --yes, and bad input changes nothing', async () => {
        const before = await readFile(sandbox.credentialsFile, 'utf8')
        const noTty = await sandbox.run(['audit', '--fix'])
        expect(noTty.code, noTty.stderr).to.equal(2)
        expect(noTty.stderr).to.match(/^keyless: --fix changes files and there is no terminal to ask on\. Pass --yes/)
        const unknown = await sandbox.run(['audit', '--fix', '--yes', '--profile', 'nope'])
        expect(unknown.code, unknown.stderr).to.equal(2)
        expect(unknown.stderr.trim().split('\n')).to.have.length(1)
        const badTarget = await sandbox.run(['audit', '--fix', '--yes', '--profile', 'legacy', '--replace-with', 'legacy'])
        expect(badTarget.code, badTarget.stderr).to.equal(2)
        const dangling = await sandbox.run(['audit', '--replace-with', 'prod-admin'])
        expect(dangling.code, dangling.stderr).to.equal(2)
        expect(await readFile(sandbox.credentialsFile, 'utf8')).to.equal(before)
      })
    })
  }
})
