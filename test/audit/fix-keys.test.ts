import {expect} from 'chai'
import {mkdir, mkdtemp, readFile, rm, stat, writeFile, chmod, readdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixKeys, type FixDeps} from '../../src/audit/fix-keys.js'
import {restoreKeys} from '../../src/audit/restore-keys.js'
import {runAudit} from '../../src/audit/run-audit.js'
import {KeylessError} from '../../src/errors.js'
import {createMemoryStore} from '../helpers/memory-store.js'
import type {SecretStore} from '../../src/store/secret-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {rejection} from '../helpers/rejection.js'

const ID = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const ID2 = 'AKIAI44QH8DHBEXAMPLE'
const SECRET2 = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'

const CREDENTIALS =
  '# written by hand in 2019\r\n[default]\r\naws_access_key_id = ' + ID + '\r\naws_secret_access_key = ' + SECRET + '\r\n\r\n' +
  '[ci] # the CI user\r\naws_access_key_id=' + ID2 + '\r\naws_secret_access_key=' + SECRET2 + '\r\nregion=eu-central-1\r\n'
const CONFIG =
  '[default]\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n' +
  '[profile dev]\nkeyless_session = corp\nkeyless_account_id = 111122223333\nkeyless_role_name = Admin\ncredential_process = keyless credential-process --profile dev\n\n' +
  '[profile chained]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\nsource_profile = ci\n'
const BASHRC = `# ~/.bashrc\nalias ll='ls -l'\nexport AWS_ACCESS_KEY_ID=${ID2}\nexport AWS_SECRET_ACCESS_KEY=${SECRET2}\nexport PATH=$HOME/bin:$PATH\n`

describe('audit/fix-keys (domain, fixture home, in-memory store)', () => {
  let home: string
  let store: SecretStore
  let deps: FixDeps
  let stderr: string

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'keyless-audit-'))
    await mkdir(join(home, '.aws'))
    await writeFile(join(home, '.aws', 'credentials'), CREDENTIALS, {mode: 0o600})
    await writeFile(join(home, '.aws', 'config'), CONFIG)
    await writeFile(join(home, '.bashrc'), BASHRC)
    await chmod(join(home, '.aws', 'credentials'), 0o640)
    store = createMemoryStore()
    stderr = ''
    deps = {
      now: () => Date.parse('2026-06-01T12:00:00Z'),
      env: {HOME: home},
      paths: resolvePaths({HOME: home}),
      store,
      stderr: {write: (t) => void (stderr += t)},
      isInteractive: false,
    }
  })
  afterEach(async () => {
    await rm(home, {recursive: true, force: true})
  })

  const read = (rel: string) => readFile(join(home, rel), 'utf8')
  it('--yes --profile moves one profile\'s lines into the store; restore puts the bytes back', async () => {
    const result = await fixKeys({profiles: ['ci'], yes: true}, deps)
    expect(result.fixed.map((f) => f.profile)).to.deep.equal(['ci'])
    const after = await read('.aws/credentials')
    expect(after).to.equal('# written by hand in 2019\r\n[default]\r\naws_access_key_id = ' + ID + '\r\naws_secret_access_key = ' + SECRET + '\r\n\r\n[ci] # the CI user\r\nregion=eu-central-1\r\n')
    expect((await stat(join(home, '.aws', 'credentials'))).mode & 0o777).to.equal(0o640)
    expect(await read('.aws/config')).to.equal(CONFIG)
    expect(await read('.bashrc')).to.equal(BASHRC)
    expect(await store.list('audit/')).to.deep.equal(['audit/ci'])
    expect(await store.get('audit/ci')).to.include(SECRET2)
    // nothing like a backup next to the file
    expect((await readdir(join(home, '.aws'))).sort()).to.deep.equal(['config', 'credentials'])

    const restored = await restoreKeys({profiles: ['ci']}, deps)
    expect(restored.restored).to.deep.equal([{profile: 'ci', files: [{file: '~/.aws/credentials', exact: true}]}])
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS)
    expect(await store.list('audit/')).to.deep.equal([])
  })

  it('--replace-with points the emptied profile at a keyless profile; chains on it keep their source', async () => {
    await fixKeys({profiles: ['ci'], yes: true, replaceWith: 'dev'}, deps)
    const config = await read('.aws/config')
    expect(config).to.equal(`${CONFIG}\n[profile ci]\ncredential_process = keyless credential-process --profile dev\n`)
    const report = await runAudit({check: false}, deps)
    expect(report.findings.filter((f) => f.profile === 'ci')).to.deep.equal([])
    await restoreKeys({profiles: []}, deps)
    expect(await read('.aws/config')).to.equal(CONFIG)
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS)
  })

  it('--yes alone fixes every profile and shell file with keys; restore of all is byte for byte', async () => {
    const result = await fixKeys({profiles: [], yes: true}, deps)
    expect(result.fixed.map((f) => f.profile).sort()).to.deep.equal(['ci', 'default', '~/.bashrc'])
    expect(await read('.bashrc')).to.equal(`# ~/.bashrc\nalias ll='ls -l'\nexport PATH=$HOME/bin:$PATH\n`)
    const report = await runAudit({check: false}, deps)
    expect(report.summary.longLived).to.equal(0)
    const restored = await restoreKeys({profiles: []}, deps)
    expect(restored.failed).to.deep.equal([])
    expect(restored.restored.flatMap((r) => r.files).every((f) => f.exact)).to.equal(true)
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS)
    expect(await read('.bashrc')).to.equal(BASHRC)
    expect(await store.list('audit/')).to.deep.equal([])
  })

  it('restores profiles one at a time, in any order, exactly', async () => {
    await fixKeys({profiles: ['default', 'ci'], yes: true}, deps)
    await restoreKeys({profiles: ['default']}, deps)
    await restoreKeys({profiles: ['ci']}, deps)
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS)
  })

  it('a second --fix of a profile (keys re-added) keeps both records; restore undoes both', async () => {
    await fixKeys({profiles: ['ci'], yes: true}, deps)
    const once = await read('.aws/credentials')
    await writeFile(join(home, '.aws', 'credentials'), once + '[ci]\naws_access_key_id = AKIANEWNEWNEWNEWNEW1\naws_secret_access_key = newsecretnewsecretnewsecretnewsecret0000\n')
    const twice = await read('.aws/credentials')
    await fixKeys({profiles: ['ci'], yes: true}, deps)
    expect(JSON.parse((await store.get('audit/ci'))!).records).to.have.length(2)
    await restoreKeys({profiles: ['ci']}, deps)
    expect(await read('.aws/credentials')).to.equal(twice.replace(once, CREDENTIALS))
  })

  it('a store item written by a --fix killed before the files changed is dropped by the next --fix and harmless to --restore', async () => {
    // Simulate: the store got the record, the file write never happened.
    await fixKeys({profiles: ['ci'], yes: true}, deps)
    const item = await store.get('audit/ci')
    await writeFile(join(home, '.aws', 'credentials'), CREDENTIALS)
    await chmod(join(home, '.aws', 'credentials'), 0o640)
    const restoredNoop = await restoreKeys({profiles: ['ci']}, deps)
    expect(restoredNoop.failed).to.deep.equal([])
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS) // nothing doubled
    await store.set('audit/ci', item!)
    await fixKeys({profiles: ['ci'], yes: true}, deps)
    expect(JSON.parse((await store.get('audit/ci'))!).records).to.have.length(1)
  })

  it('copies next to the files (sync\'s .keyless-backup, credentials.bak) are found and fixed with the profile', async () => {
    const backup = `[profile ci]\naws_access_key_id = ${ID2}\naws_secret_access_key = ${SECRET2}\n`
    await writeFile(join(home, '.aws', 'config.keyless-backup'), backup)
    await writeFile(join(home, '.aws', 'credentials.bak'), CREDENTIALS)
    const report = await runAudit({check: false}, deps)
    expect(report.findings.filter((f) => f.profile === 'ci').map((f) => f.location).sort()).to.deep.equal([
      '~/.aws/config.keyless-backup:2',
      '~/.aws/credentials.bak:7',
      '~/.aws/credentials:7',
    ])
    const result = await fixKeys({profiles: ['ci'], yes: true}, deps)
    expect(result.fixed[0].files.sort()).to.deep.equal(['~/.aws/config.keyless-backup', '~/.aws/credentials', '~/.aws/credentials.bak'])
    expect(await read('.aws/config.keyless-backup')).to.equal('[profile ci]\n')
    expect(await read('.aws/credentials.bak')).not.to.include(SECRET2)
    await restoreKeys({profiles: ['ci']}, deps)
    expect(await read('.aws/config.keyless-backup')).to.equal(backup)
    expect(await read('.aws/credentials.bak')).to.equal(CREDENTIALS)
  })

  it('without a terminal and without --yes: refuses, changes nothing', async () => {
    const error = await rejection<KeylessError>(fixKeys({profiles: ['ci'], yes: false}, deps))
    expect(error.exit).to.equal(2)
    expect(error.line).to.match(/no terminal/)
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS)
    expect(await store.list('')).to.deep.equal([])
  })

  it('on a terminal: the checklist decides (long-lived preselected)', async () => {
    let offered: Array<{profile: string; checked: boolean}> = []
    const result = await fixKeys({profiles: [], yes: false}, {
      ...deps,
      isInteractive: true,
      choose: async (choices) => {
        offered = choices.map((c) => ({profile: c.profile, checked: c.checked}))
        return ['default']
      },
    })
    expect(offered.map((o) => o.profile).sort()).to.deep.equal(['ci', 'default', '~/.bashrc'])
    expect(offered.every((o) => o.checked)).to.equal(true)
    expect(result.fixed.map((f) => f.profile)).to.deep.equal(['default'])
    expect(await read('.aws/credentials')).not.to.include(ID)
    expect(await read('.aws/credentials')).to.include(ID2)
  })

  it('bad input changes nothing: unknown profile, unknown or non-keyless --replace-with, malformed file', async () => {
    expect((await rejection<KeylessError>(fixKeys({profiles: ['nope'], yes: true}, deps))).line).to.match(/No key to move for "nope".*Profiles with keys: .*ci/)
    expect((await rejection<KeylessError>(fixKeys({profiles: ['ci'], yes: true, replaceWith: 'ghost'}, deps))).line).to.match(/no profile "ghost"/)
    expect((await rejection<KeylessError>(fixKeys({profiles: ['ci'], yes: true, replaceWith: 'default'}, deps))).line).to.match(/not served by keyless/)
    expect((await rejection<KeylessError>(fixKeys({profiles: ['ci'], yes: true, replaceWith: 'chained'}, deps))).line).to.match(/gets its credentials from ci, which is being emptied/)
    expect((await rejection<KeylessError>(fixKeys({profiles: ['~/.bashrc'], yes: true, replaceWith: 'dev'}, deps))).line).to.match(/--replace-with applies to profiles/)
    await writeFile(join(home, '.aws', 'config'), CONFIG + 'garbage line\n')
    expect((await rejection<KeylessError>(fixKeys({profiles: ['ci'], yes: true, replaceWith: 'dev'}, deps))).line).to.match(/Malformed AWS config file .* line 17/)
    expect(await read('.aws/credentials')).to.equal(CREDENTIALS)
    expect(await store.list('')).to.deep.equal([])
  })

  describe('--restore --append (hardening #14 item 5)', () => {
    it('a renamed section: --restore names --append; --append writes the lines as their own section at the end', async () => {
      await fixKeys({profiles: ['ci'], yes: true}, deps)
      const renamed = (await read('.aws/credentials')).replace('[ci] # the CI user', '[ci-old]')
      await writeFile(join(home, '.aws', 'credentials'), renamed)
      const stuck = await restoreKeys({profiles: ['ci']}, deps)
      expect(stuck.failed).to.have.length(1)
      expect(stuck.failed[0].reason).to.include('`keyless audit --restore --append --profile ci`')
      expect(await read('.aws/credentials')).to.equal(renamed)
      expect(await store.list('audit/')).to.deep.equal(['audit/ci'])

      const appended = await restoreKeys({profiles: ['ci'], append: true}, deps)
      expect(appended.failed).to.deep.equal([])
      expect(appended.restored).to.deep.equal([{profile: 'ci', files: [{file: '~/.aws/credentials', exact: false, appended: true}]}])
      expect(await read('.aws/credentials')).to.equal(
        renamed +
          '\r\n# keyless audit --restore --append (2026-06-01T12:00:00.000Z): lines --fix had moved to the secret store\r\n' +
          `[ci] # the CI user\r\naws_access_key_id=${ID2}\r\naws_secret_access_key=${SECRET2}\r\n`,
      )
      expect(await store.list('audit/')).to.deep.equal([])
      const report = await runAudit({check: false}, deps)
      expect(report.findings.some((f) => f.profile === 'ci' && f.longLived)).to.equal(true)
    })

    it('a CRLF file converted to LF, and a shell file edited around the lines: --append puts them at the end in the file\'s line endings', async () => {
      await fixKeys({profiles: [], yes: true}, deps)
      const lf = (await read('.aws/credentials')).replaceAll('\r\n', '\n')
      await writeFile(join(home, '.aws', 'credentials'), lf)
      const bash = (await read('.bashrc')).replace("alias ll='ls -l'", "alias ll='ls -la'")
      await writeFile(join(home, '.bashrc'), bash)
      const stuck = await restoreKeys({profiles: []}, deps)
      expect(stuck.failed.map((f) => f.profile).sort()).to.deep.equal(['ci', 'default', '~/.bashrc'])
      expect(stuck.failed.find((f) => f.profile === '~/.bashrc')!.reason).to.include('--profile ~/.bashrc` writes them')
      const done = await restoreKeys({profiles: [], append: true}, deps)
      expect(done.failed).to.deep.equal([])
      const text = await read('.aws/credentials')
      expect(text).to.not.include('\r')
      expect(text).to.include(`[default]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`)
      expect(text).to.include(`[ci] # the CI user\naws_access_key_id=${ID2}\naws_secret_access_key=${SECRET2}\n`)
      expect(await read('.bashrc')).to.match(new RegExp(`\\$PATH\\n\\n# keyless audit --restore --append \\([^)]*\\): lines --fix had moved to the secret store\\nexport AWS_ACCESS_KEY_ID=${ID2}\\nexport AWS_SECRET_ACCESS_KEY=${SECRET2}\\n$`))
      expect(await store.list('audit/')).to.deep.equal([])
    })
  })
})
