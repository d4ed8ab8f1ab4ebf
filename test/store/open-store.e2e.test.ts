import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {ExitCode, KeylessError, UsageError} from '../../src/errors.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths, type Paths} from '../../src/util/paths.js'

const childScript = fileURLToPath(new URL('store-child.mjs', import.meta.url))
const ptyDriver = fileURLToPath(new URL('pty-driver.py', import.meta.url))

describe('openStore', function () {
  this.timeout(60_000)
  let home: string
  let paths: Paths

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'keyless-open-store-'))
    paths = resolvePaths({}, home)
  })
  afterEach(() => rmSync(home, {recursive: true, force: true}))

  it('opens the keychain by default, under KEYLESS_KEYCHAIN_SERVICE or "keyless", without touching it', async () => {
    const byDefault = await openStore({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent'}, paths)
    expect(byDefault.kind).to.equal('keychain')
    expect(byDefault.description).to.match(/service "keyless"$/)
    const named = await openStore({KEYLESS_STORE: 'keychain', KEYLESS_KEYCHAIN_SERVICE: 'keyless-sandbox-7'}, paths)
    expect(named.description).to.match(/service "keyless-sandbox-7"$/)
    expect((await openStore({KEYLESS_STORE: ' '}, paths)).kind).to.equal('keychain')
  })

  it('rejects an unknown KEYLESS_STORE with a usage error listing the valid values', async () => {
    const error = await openStore({KEYLESS_STORE: 'plaintext'}, paths).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(UsageError)
    expect((error as UsageError).exit).to.equal(ExitCode.usage)
    expect((error as UsageError).line).to.equal('Unknown KEYLESS_STORE "plaintext". Use one of: keychain, file.')
  })

  it('opens the encrypted file under the XDG data dir with KEYLESS_FILE_PASSPHRASE', async () => {
    const env = {KEYLESS_STORE: 'file', KEYLESS_FILE_PASSPHRASE: 'pw'}
    const store = await openStore(env, paths)
    expect(store.kind).to.equal('file')
    const file = join(home, '.local', 'share', 'keyless', 'secrets.enc')
    expect(store.description).to.equal(`encrypted file ${file}`)
    await store.set('token/dev', 'v')
    expect(existsSync(file)).to.equal(true)
    expect(await (await openStore(env, paths)).get('token/dev')).to.equal('v')
    const wrong = await openStore({...env, KEYLESS_FILE_PASSPHRASE: 'other'}, paths)
    const error = await wrong.get('token/dev').catch((e: unknown) => e)
    expect((error as KeylessError).line).to.match(/wrong KEYLESS_FILE_PASSPHRASE/)
  })

  it('without a passphrase and no terminal: one line naming KEYLESS_FILE_PASSPHRASE', async () => {
    const error = await openStore({KEYLESS_STORE: 'file'}, paths, {interactive: false}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(KeylessError)
    const e = error as KeylessError
    expect(e.line).to.equal('KEYLESS_STORE=file needs a passphrase, and there is no terminal to ask for one. Set KEYLESS_FILE_PASSPHRASE.')
    expect(e.exit).to.equal(ExitCode.usage)
  })

  it('asks twice for a new file, once for an existing one, and refuses a mismatch or an empty answer', async () => {
    const asked: string[] = []
    const answers = (...replies: string[]) => async (message: string) => {
      asked.push(message)
      return replies.shift() ?? ''
    }
    const env = {KEYLESS_STORE: 'file'}
    const mismatch = await openStore(env, paths, {interactive: true, prompt: answers('one', 'two')}).catch((e: unknown) => e)
    expect((mismatch as UsageError).line).to.equal('The passphrases do not match. Run the command again.')
    const empty = await openStore(env, paths, {interactive: true, prompt: answers('')}).catch((e: unknown) => e)
    expect((empty as UsageError).line).to.match(/^The passphrase is empty\./)

    asked.length = 0
    const created = await openStore(env, paths, {interactive: true, prompt: answers('typed', 'typed')})
    await created.set('token/dev', 'v')
    expect(asked).to.deep.equal([`Choose a passphrase for the new secret file ${join(paths.dataDir, 'secrets.enc')}:`, 'Repeat the passphrase:'])

    asked.length = 0
    const reopened = await openStore(env, paths, {interactive: true, prompt: answers('typed')})
    expect(await reopened.get('token/dev')).to.equal('v')
    expect(asked).to.deep.equal([`Passphrase for ${join(paths.dataDir, 'secrets.enc')}:`])
  })

  it('prompts on a real terminal with hidden input, and the file opens with what was typed', async () => {
    const typed = 'pty-typed-passphrase-4711'
    const env: NodeJS.ProcessEnv = {...process.env, HOME: home, KEYLESS_STORE: 'file', KEYLESS_STORE_CHILD: '1', KEYLESS_FILE_PASSPHRASE: ''}
    delete env.XDG_DATA_HOME
    const node = [process.execPath, '--import', 'tsx', childScript, 'open', 'set', 'token/dev', 'from-a-terminal']
    const {stdout} = await promisify(execFile)('/usr/bin/python3', [ptyDriver, typed, 'Choose a passphrase|Repeat the passphrase', '--', ...node], {env})
    expect(stdout).to.match(/Choose a passphrase for the new secret file/)
    expect(stdout).to.match(/Repeat the passphrase/)
    expect(stdout).to.match(/\{"ok":true/)
    expect(stdout, 'the passphrase must not be echoed').to.not.include(typed)
    const store = await openStore({KEYLESS_STORE: 'file', KEYLESS_FILE_PASSPHRASE: typed}, paths)
    expect(await store.get('token/dev')).to.equal('from-a-terminal')
  })
})
