import {expect} from 'chai'
import {once} from 'node:events'
import {readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {grepTree} from '../helpers/grep-tree.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {CONFIG_TEXT, fakeKey} from './audit-fixtures.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('keyless audit --fix under kill -9', function () {
  this.timeout(300_000)
  let sandbox: Sandbox
  const key = fakeKey()
  const credentials = `# old\r\n[legacy]\r\naws_access_key_id = ${key.accessKeyId}\r\naws_secret_access_key = ${key.secretAccessKey}\r\n\r\n[other]\r\nfoo = bar\r\n`
  const config = `${CONFIG_TEXT}\n[profile legacy]\nregion = eu-west-1\n`
  const args = ['audit', '--fix', '--yes', '--profile', 'legacy', '--replace-with', 'prod-admin']

  before(async () => {
    sandbox = await createSandbox({emulator: false, store: 'file'})
  })
  after(async () => sandbox.cleanup())

  async function reset(): Promise<void> {
    await writeFile(sandbox.credentialsFile, credentials, {mode: 0o600})
    await writeFile(sandbox.configFile, config)
    const store = await openStore(sandbox.env, resolvePaths(sandbox.env))
    for (const k of await store.list('audit/')) await store.delete(k)
  }

  it('leaves each file either as it was or fully fixed, the config file first, the store before both; --restore always gets the original back', async () => {
    // The fixed state, and how long a whole run takes (the longest of three: the machine may be busy).
    let duration = 0
    let fixed = {credentials: '', config: ''}
    for (let i = 0; i < 3; i++) {
      await reset()
      const started = Date.now()
      const full = await sandbox.run(args, {env: {KEYLESS_BIN: 'keyless'}})
      duration = Math.max(duration, Date.now() - started)
      expect(full.code, full.stderr).to.equal(0)
      fixed = {credentials: await readFile(sandbox.credentialsFile, 'utf8'), config: await readFile(sandbox.configFile, 'utf8')}
      expect((await sandbox.run(['audit', '--restore'])).code).to.equal(0)
      expect(await readFile(sandbox.credentialsFile, 'utf8')).to.equal(credentials)
    }
    expect(fixed.credentials).not.to.equal(credentials)
    expect(fixed.config).not.to.equal(config)

    const outcomes: Record<string, number> = {}
    // At least 16 kills at random moments from early start-up to past a whole run; more (up to 40)
    // until both ends were seen.
    const seen = () => Boolean(outcomes['original/original'] && outcomes['fixed/fixed'])
    for (let i = 0; i < 16 || (!seen() && i < 40); i++) {
      await reset()
      const delay = Math.round((0.2 + 1.2 * Math.random()) * duration)
      const child = sandbox.spawn(args, {env: {KEYLESS_BIN: 'keyless'}, stdio: 'ignore'})
      await sleep(delay)
      child.kill('SIGKILL')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')

      const now = {credentials: await readFile(sandbox.credentialsFile, 'utf8'), config: await readFile(sandbox.configFile, 'utf8')}
      const credsState = now.credentials === credentials ? 'original' : now.credentials === fixed.credentials ? 'fixed' : 'BROKEN'
      const configState = now.config === config ? 'original' : now.config === fixed.config ? 'fixed' : 'BROKEN'
      expect(credsState, `credentials after a kill at ${delay} ms`).not.to.equal('BROKEN')
      expect(configState, `config after a kill at ${delay} ms`).not.to.equal('BROKEN')
      // The config file (credential_process) is written before the keys leave: the profile always works.
      if (credsState === 'fixed') expect(configState).to.equal('fixed')
      // The store item is written before any file: a changed file always has its lines in the store.
      const store = await openStore(sandbox.env, resolvePaths(sandbox.env))
      if (configState === 'fixed') expect(await store.list('audit/')).to.deep.equal(['audit/legacy'])
      // A temp file left by the kill never holds the key.
      const stray = (await readdir(join(sandbox.home, '.aws'))).filter((n) => n.endsWith('.tmp'))
      expect(grepTree(join(sandbox.home, '.aws'), [key.secretAccessKey]).filter((p) => stray.some((s) => p.endsWith(s)))).to.deep.equal([])
      const outcome = `${credsState}/${configState}`
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1

      const restore = await sandbox.run(['audit', '--restore'])
      expect(restore.code, `${outcome}: ${restore.stderr}`).to.equal(0)
      expect(await readFile(sandbox.credentialsFile, 'utf8'), `restore after ${outcome}`).to.equal(credentials)
      expect(await readFile(sandbox.configFile, 'utf8'), `restore after ${outcome}`).to.equal(config)
      expect(await store.list('audit/')).to.deep.equal([])
    }
    // Both ends were reached: killed before anything changed, and after the whole fix.
    expect(outcomes['original/original'], JSON.stringify(outcomes)).to.be.greaterThan(0)
    expect(outcomes['fixed/fixed'], JSON.stringify(outcomes)).to.be.greaterThan(0)
  })
})
