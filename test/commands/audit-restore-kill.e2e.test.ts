import {expect} from 'chai'
import {once} from 'node:events'
import {readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {grepTree} from '../helpers/grep-tree.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {CONFIG_TEXT, fakeKey} from './audit-fixtures.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Hardening #14, "what held up": `audit --restore` killed with SIGKILL at a random moment leaves
// every file whole (as fixed, or as restored) and the key somewhere (in the file or still in the
// store); the next --restore finishes the job. (audit-kill.e2e kills --fix; this kills --restore.)
describe('keyless audit --restore under kill -9', function () {
  this.timeout(120_000)
  let sb: Sandbox
  const key = fakeKey()
  const credentials = `# old\r\n[legacy]\r\naws_access_key_id = ${key.accessKeyId}\r\naws_secret_access_key = ${key.secretAccessKey}\r\n\r\n[other]\r\nfoo = bar\r\n`
  const config = `${CONFIG_TEXT}\n[profile legacy]\nregion = eu-west-1\n`
  const storeFile = () => join(resolvePaths(sb.env).dataDir, 'secrets.enc')
  /** The exact state after a completed --fix: both files and the encrypted store. */
  let fixed: {credentials: string; config: string; store: Buffer}

  before(async () => {
    sb = await createSandbox({emulator: false, store: 'file'})
    await writeFile(sb.credentialsFile, credentials, {mode: 0o600})
    await writeFile(sb.configFile, config)
    const fix = await sb.run(['audit', '--fix', '--yes', '--profile', 'legacy', '--replace-with', 'prod-admin'], {env: {KEYLESS_BIN: 'keyless'}})
    expect(fix.code, fix.stderr).to.equal(0)
    fixed = {credentials: await readFile(sb.credentialsFile, 'utf8'), config: await readFile(sb.configFile, 'utf8'), store: await readFile(storeFile())}
    expect(fixed.credentials).not.to.include(key.secretAccessKey)
    expect(fixed.config).not.to.equal(config)
  })
  after(() => sb?.cleanup())

  async function toFixed(): Promise<void> {
    await writeFile(sb.credentialsFile, fixed.credentials)
    await writeFile(sb.configFile, fixed.config)
    await writeFile(storeFile(), fixed.store)
  }

  it('at any moment: each file is as fixed or as restored, the key is never lost, and --restore run again gets the original back', async () => {
    // How long a whole --restore takes (the longest of three: the machine may be busy).
    let duration = 0
    for (let i = 0; i < 3; i++) {
      await toFixed()
      const started = Date.now()
      const full = await sb.run(['audit', '--restore'])
      duration = Math.max(duration, Date.now() - started)
      expect(full.code, full.stderr).to.equal(0)
      expect(await readFile(sb.credentialsFile, 'utf8')).to.equal(credentials)
      expect(await readFile(sb.configFile, 'utf8')).to.equal(config)
    }

    const outcomes: Record<string, number> = {}
    const seen = () => Boolean(outcomes['fixed/fixed'] && outcomes['original/original'])
    // At least 12 kills from start-up to past a whole run; more (up to 20) until both ends were seen.
    for (let i = 0; i < 12 || (!seen() && i < 20); i++) {
      await toFixed()
      const delay = Math.round((0.3 + 0.8 * Math.random()) * duration)
      const child = sb.spawn(['audit', '--restore'], {stdio: 'ignore'})
      await sleep(delay)
      child.kill('SIGKILL')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')

      const now = {credentials: await readFile(sb.credentialsFile, 'utf8'), config: await readFile(sb.configFile, 'utf8')}
      const credsState = now.credentials === credentials ? 'original' : now.credentials === fixed.credentials ? 'fixed' : 'BROKEN'
      const configState = now.config === config ? 'original' : now.config === fixed.config ? 'fixed' : 'BROKEN'
      expect(credsState, `credentials after a kill at ${delay} ms:\n${now.credentials}`).not.to.equal('BROKEN')
      expect(configState, `config after a kill at ${delay} ms:\n${now.config}`).not.to.equal('BROKEN')
      // The key is never lost: out of the file means still in the store.
      const store = await openStore(sb.env, resolvePaths(sb.env))
      const items = await store.list('audit/')
      if (credsState === 'fixed') expect(items, `after a kill at ${delay} ms`).to.deep.equal(['audit/legacy'])
      // A temp file left by the kill is never a second plaintext copy beside the file.
      const stray = (await readdir(join(sb.home, '.aws'))).filter((n) => n.endsWith('.tmp'))
      expect(grepTree(join(sb.home, '.aws'), [key.secretAccessKey]).filter((p) => stray.some((s) => p.endsWith(s)))).to.deep.equal([])
      const outcome = `${credsState}/${configState}`
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1

      const again = await sb.run(['audit', '--restore'])
      expect(again.code, `${outcome}: ${again.stderr}`).to.equal(0)
      expect(await readFile(sb.credentialsFile, 'utf8'), `restore after ${outcome}`).to.equal(credentials)
      expect(await readFile(sb.configFile, 'utf8'), `restore after ${outcome}`).to.equal(config)
      expect(await store.list('audit/')).to.deep.equal([])
    }
    // Both ends were reached: killed before anything changed, and after the whole restore.
    expect(outcomes['fixed/fixed'], JSON.stringify(outcomes)).to.be.greaterThan(0)
    expect(outcomes['original/original'], JSON.stringify(outcomes)).to.be.greaterThan(0)
    console.log(`      kills: ${JSON.stringify(outcomes)}`)
  })
})
