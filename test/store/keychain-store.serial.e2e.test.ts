import {expect} from 'chai'
import {execFile, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {ExitCode, KeylessError, StoreUnavailableError} from '../../src/errors.js'
import {lookupSecretService, lookupSecretServiceItems} from '../../src/store/secret-service/lookup-secret-service.js'
import {readChunkedValue} from '../../src/store/chunked-store.js'
import {createKeychainStore, keychainChunkChars, toStoreError, type KeyringBinding} from '../../src/store/keychain-store.js'
import type {SecretStore} from '../../src/store/secret-store.js'
import {describeSecretStoreContract} from './secret-store-contract.js'

const childScript = fileURLToPath(new URL('store-child.mjs', import.meta.url))

function requireRealKeyring(): void {
  if (process.env.KEYLESS_TEST_KEYRING !== 'gnome-keyring' || !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'The keychain tests need the real gnome-keyring Secret Service that `npm test` starts (KEYLESS_TEST_KEYRING=gnome-keyring): run them through `npm test -- test/store`.',
    )
  }
}

const newService = () => `keyless-test-${process.pid}-${randomBytes(4).toString('hex')}`

function keychainStore(service: string, chunkChars?: number): SecretStore {
  return createKeychainStore({service, dbusAddress: process.env.DBUS_SESSION_BUS_ADDRESS, ...(chunkChars ? {chunkChars} : {})})
}

/** A base64 token of exactly n characters, as IAM Identity Center and STS issue them. */
const token = (n: number) => randomBytes(n).toString('base64').slice(0, n)

async function removeAll(store: SecretStore): Promise<void> {
  for (const key of await store.list('')) await store.delete(key)
}

describeSecretStoreContract('keychain', async () => {
  requireRealKeyring()
  const service = newService()
  const store = keychainStore(service)
  return {store, reopen: () => keychainStore(service), cleanup: () => removeAll(store)}
})

// The same contract with every value over 128 characters split into chunks (the unicode and 8 KiB
// values of the contract are chunked here), against the real Secret Service.
describeSecretStoreContract('keychain', async () => {
  requireRealKeyring()
  const service = newService()
  const store = keychainStore(service, 128)
  return {store, reopen: () => keychainStore(service, 128), cleanup: () => removeAll(store)}
})

interface ChildResult {
  ok: boolean
  value?: unknown
  name?: string
  code?: string
  exit?: number
  line?: string
  ms: number
  wallMs: number
}

/** Runs store-child.mjs `keychain OP KEY` (optionally wrapped, e.g. in dbus-run-session). */
function runChild(env: NodeJS.ProcessEnv, args: string[], wrap: string[] = []): Promise<ChildResult> {
  const started = Date.now()
  const command = [...wrap, process.execPath, '--import', 'tsx', childScript, 'keychain', ...args]
  return new Promise((resolve, reject) => {
    const proc = spawn(command[0], command.slice(1), {env: {...env, KEYLESS_STORE_CHILD: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.stderr.on('data', (d) => (err += d))
    const killer = setTimeout(() => proc.kill('SIGKILL'), 40_000)
    proc.on('exit', () => {
      clearTimeout(killer)
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (!line) return reject(new Error(`child printed no result; stderr: ${err}`))
      resolve({...(JSON.parse(line) as ChildResult), wallMs: Date.now() - started})
    })
  })
}

/** Runs a command that runs store-child.mjs several times; one result per JSON line. */
function runScript(env: NodeJS.ProcessEnv, command: string[]): Promise<ChildResult[]> {
  return new Promise((resolve) => {
    const proc = spawn(command[0], command.slice(1), {env: {...env, KEYLESS_STORE_CHILD: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    const killer = setTimeout(() => proc.kill('SIGKILL'), 40_000)
    proc.on('exit', () => {
      clearTimeout(killer)
      resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => ({...(JSON.parse(l) as ChildResult), wallMs: 0})))
    })
  })
}

function expectUnavailableLine(result: ChildResult, reason: RegExp): void {
  expect(result.ok, JSON.stringify(result)).to.equal(false)
  expect(result.code).to.equal('StoreUnavailable')
  expect(result.exit).to.equal(ExitCode.storeUnavailable)
  expect(result.line).to.not.include('\n')
  expect(result.line).to.match(/^Cannot (read from|write to|delete from|search) the OS keychain \(Secret Service\): /)
  expect(result.line).to.match(reason)
  expect(result.line).to.include('KEYLESS_STORE=file')
}

function withoutBus(): NodeJS.ProcessEnv {
  const env = {...process.env}
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR']) delete env[key]
  return env
}

describe('createKeychainStore on the real Secret Service', function () {
  this.timeout(60_000)
  before(requireRealKeyring)

  it('files each item in the Secret Service under the service and key (secret-tool sees it)', async () => {
    const service = newService()
    const store = keychainStore(service)
    try {
      await store.set('token/visible', 'proof-of-secret-service')
      const {stdout, stderr} = await promisify(execFile)('secret-tool', ['search', '--all', 'service', service])
      const text = stdout + stderr
      expect(text).to.include(`attribute.service = ${service}`)
      expect(text).to.include('attribute.username = token/visible')
      expect(text).to.include('secret = proof-of-secret-service')
      expect(store.description).to.equal(`Secret Service, service "${service}"`)
    } finally {
      await removeAll(store)
    }
  })

  it('keeps services apart: another service neither sees nor lists our items', async () => {
    const a = keychainStore(newService())
    const b = keychainStore(newService())
    try {
      await a.set('token/dev', 'a-only')
      expect(await b.get('token/dev')).to.equal(undefined)
      expect(await b.list('')).to.deep.equal([])
    } finally {
      await removeAll(a)
    }
  })

  it('serves a read in a fresh process through openStore and KEYLESS_KEYCHAIN_SERVICE', async () => {
    const service = newService()
    const store = keychainStore(service)
    try {
      await store.set('role/dev/111111111111/Admin', '{"k":"v"}')
      const result = await runChild({...process.env, KEYLESS_KEYCHAIN_SERVICE: service}, ['get', 'role/dev/111111111111/Admin'])
      expect(result).to.include({ok: true, value: '{"k":"v"}'})
    } finally {
      await removeAll(store)
    }
  })
})

describe('createKeychainStore chunking on the real Secret Service', function () {
  this.timeout(60_000)
  before(requireRealKeyring)

  /** Every item of the service as secret-tool sees it: account -> secret. */
  async function secretToolItems(service: string): Promise<Map<string, string>> {
    const run = promisify(execFile)
    const {stdout, stderr} = await run('secret-tool', ['search', '--all', 'service', service], {maxBuffer: 1 << 24})
    const items = new Map<string, string>()
    for (const [, account] of (stdout + stderr).matchAll(/^attribute\.username = (.*)$/gm)) {
      items.set(account, (await run('secret-tool', ['lookup', 'service', service, 'username', account], {maxBuffer: 1 << 24})).stdout)
    }
    return items
  }

  it('splits realistic tokens at the Windows limit (1,280) into items secret-tool sees, and reads them back whole', async () => {
    expect(keychainChunkChars('win32')).to.equal(1280)
    expect(keychainChunkChars('linux')).to.equal(Number.POSITIVE_INFINITY)
    const service = newService()
    const store = keychainStore(service, keychainChunkChars('win32'))
    const sessionToken = JSON.stringify({accessToken: token(1300), refreshToken: token(1250), expiresAt: '2026-12-01T15:00:00Z', clientId: token(22)})
    const tagged = JSON.stringify({accessKeyId: 'ASIA' + 'B'.repeat(16), secretAccessKey: token(40), sessionToken: token(2000), expiration: 1})
    const plain = JSON.stringify({accessKeyId: 'ASIA' + 'C'.repeat(16), secretAccessKey: token(40), sessionToken: token(1000), expiration: 1})
    try {
      await store.set('token/dev', sessionToken)
      await store.set('role/dev/111111111111/Admin', tagged)
      await store.set('role/dev/222222222222/ReadOnly', plain)
      const items = await secretToolItems(service)
      expect(items.size).to.equal(3 + 3 + 2)
      for (const secret of items.values()) expect(secret.length).to.be.at.most(1280)
      expect(items.get('role/dev/222222222222/ReadOnly')).to.equal(plain)
      expect(items.get('token/dev')).to.match(/^keyless-chunked\/1 n=3 sha256=[0-9a-f]{64}$/)
      expect(await store.get('token/dev')).to.equal(sessionToken)
      expect(await keychainStore(service).get('role/dev/111111111111/Admin')).to.equal(tagged)
      expect(await store.list('')).to.deep.equal(['role/dev/111111111111/Admin', 'role/dev/222222222222/ReadOnly', 'token/dev'])
      // A fresh process through openStore and KEYLESS_KEYCHAIN_CHUNK_CHARS.
      const child = await runChild({...process.env, KEYLESS_KEYCHAIN_SERVICE: service, KEYLESS_KEYCHAIN_CHUNK_CHARS: '1280'}, ['get', 'token/dev'])
      expect(child).to.include({ok: true, value: sessionToken})
      // The hot path's own D-Bus reader: the head, then all chunks over one connection.
      const address = process.env.DBUS_SESSION_BUS_ADDRESS as string
      const head = (await lookupSecretService({address, attributes: {service, username: 'token/dev'}})) as string
      const viaDbus = await readChunkedValue('token/dev', head, (keys) =>
        lookupSecretServiceItems({address, attributeSets: keys.map((username) => ({service, username}))}),
      )
      expect(viaDbus).to.equal(sessionToken)
      // Delete and overwrite leave no chunk behind.
      expect(await store.delete('token/dev')).to.equal(true)
      await store.set('role/dev/111111111111/Admin', 'short now')
      expect([...(await secretToolItems(service)).keys()].sort()).to.deep.equal(['role/dev/111111111111/Admin', 'role/dev/222222222222/ReadOnly'])
    } finally {
      await removeAll(store)
    }
  })

  it('reads a torn chunked value (a chunk missing) as a miss, also on the hot path\'s reader', async () => {
    const service = newService()
    const store = keychainStore(service, 200)
    try {
      await store.set('token/dev', token(500))
      const chunk = [...(await secretToolItems(service)).keys()].find((k) => k.endsWith('-2')) as string
      await promisify(execFile)('secret-tool', ['clear', 'service', service, 'username', chunk])
      expect(await store.get('token/dev')).to.equal(undefined)
      const address = process.env.DBUS_SESSION_BUS_ADDRESS as string
      const head = (await lookupSecretService({address, attributes: {service, username: 'token/dev'}})) as string
      const viaDbus = await readChunkedValue('token/dev', head, (keys) =>
        lookupSecretServiceItems({address, attributeSets: keys.map((username) => ({service, username}))}),
      )
      expect(viaDbus).to.equal(undefined)
    } finally {
      await removeAll(store)
      expect(await secretToolItems(service)).to.have.property('size', 0)
    }
  })

  it('refuses a KEYLESS_KEYCHAIN_CHUNK_CHARS that is not a whole number of at least 128, in one line', async () => {
    for (const bad of ['12', 'abc', '1e3', '-5']) {
      const result = await runChild({...process.env, KEYLESS_KEYCHAIN_CHUNK_CHARS: bad}, ['get', 'token/dev'])
      expect(result).to.include({ok: false, exit: ExitCode.usage})
      expect(result.line).to.include(`KEYLESS_KEYCHAIN_CHUNK_CHARS must be a whole number of at least 128, not "${bad}"`)
    }
  })
})

describe('createKeychainStore when the keychain cannot be used', function () {
  this.timeout(60_000)
  let scratch: string
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'keyless-keychain-'))
  })
  after(() => rmSync(scratch, {recursive: true, force: true}))

  it('fails fast, in one line naming KEYLESS_STORE=file, when the bus socket does not exist', async () => {
    const env = {...withoutBus(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(scratch, 'no-such-bus')}`}
    for (const op of ['get', 'set', 'delete', 'list']) {
      const result = await runChild(env, [op, 'token/dev', 'v'])
      expectUnavailableLine(result, /cannot connect to the D-Bus session bus .*No such file or directory/)
      expect(result.ms, op).to.be.below(1_000)
    }
  })

  it('says so when there is no session bus at all', async () => {
    const result = await runChild(withoutBus(), ['get', 'token/dev'])
    expectUnavailableLine(result, /no D-Bus session bus \(DBUS_SESSION_BUS_ADDRESS is not set\)/)
    expect(result.ms).to.be.below(1_000)
  })

  it('says so when the session bus has no Secret Service', async () => {
    const config = join(scratch, 'session-without-secret-service.conf')
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${scratch}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
    )
    const wrap = ['dbus-run-session', `--config-file=${config}`, '--']
    for (const op of ['get', 'list']) {
      const result = await runChild(withoutBus(), [op, 'token/dev'], wrap)
      expectUnavailableLine(result, /no Secret Service on the session bus/)
      expect(result.ms, op).to.be.below(3_000)
    }
  })

  it('says so, instead of hanging, when the bus accepts connections but never answers', async () => {
    const socket = join(scratch, 'silent-bus')
    const server: Server = createServer(() => {}).listen(socket)
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const env = {...withoutBus(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}`}
      const result = await runChild(env, ['get', 'token/dev'])
      expect(result.line).to.match(/the D-Bus session bus did not answer/)
      expect(result.code).to.equal('StoreUnavailable')
      expect(result.line).to.include('KEYLESS_STORE=file')
      expect(result.ms).to.be.within(2_500, 6_000)
    } finally {
      server.close()
    }
  })

  it('says the keyring is locked (no hang, no silent "not found") when unlocking is refused', async () => {
    // A private gnome-keyring: an item is written, the keyring locked, then read and written again.
    // With no display the unlock prompt cannot show, so gnome-keyring reports it dismissed.
    const home = mkdtempSync(join(scratch, 'home-'))
    const lock =
      'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets ' +
      'org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null'
    const child = (...args: string[]) => [process.execPath, '--import', 'tsx', childScript, 'keychain', ...args].map((a) => `'${a}'`).join(' ')
    const script = [
      `printf '\\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null`,
      `${child('set', 'token/dev', 'before-lock')} >/dev/null`,
      lock,
      child('get', 'token/dev'),
      child('set', 'token/other', 'v'),
    ].join(' && ')
    const results = await runScript({...withoutBus(), HOME: home, KEYLESS_TEST_TIMEOUT_MS: '8000'}, ['dbus-run-session', '--', 'sh', '-c', script])
    expect(results).to.have.length(2)
    for (const result of results) {
      expectUnavailableLine(result, /the keyring is locked/)
      expect(result.ms).to.be.below(8_000)
    }
  })
})

describe('keychain errors as one line', () => {
  const cases: Array<[string, RegExp]> = [
    [
      'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
      /no D-Bus session bus/,
    ],
    ['Platform failure: DBus error: Failed to connect to socket /x: Connection refused', /cannot connect to the D-Bus session bus \(Failed to connect to socket \/x: Connection refused\)/],
    ['zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files', /no Secret Service on the session bus/],
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", /the keyring is locked and the unlock prompt was dismissed/],
    ['zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object', /the keyring is locked/],
    ["Couldn't access platform storage: Secret Service: no result found", /no default keyring/],
    ['Platform failure: DBus error: Did not receive a reply. Possible causes include:\n the remote application did not send a reply', /did not answer/],
    // An unresponsive keyring, not a locked one (hardening #14): D-Bus's full text says "blocked".
    [
      'Platform failure: DBus error: Did not receive a reply. Possible causes include: the remote application did not send a reply, the message bus security policy blocked the reply, the reply timeout expired, or the network connection was broken',
      /the Secret Service did not answer \(/,
    ],
    ['zbus error: org.freedesktop.DBus.Error.NoReply: Method call timed out', /did not answer/],
  ]
  for (const [raw, expected] of cases) {
    it(`maps "${raw.slice(0, 60)}…"`, () => {
      const error = toStoreError('read from', 'Secret Service', new Error(raw))
      expect(error).to.be.instanceOf(StoreUnavailableError)
      expect(error.line).to.match(expected)
      expect(error.line).to.not.include('\n')
      expect(error.line).to.match(/KEYLESS_STORE=file/)
    })
  }

  it('keeps a problem of one item (ambiguous, too long) a plain error, not "unavailable"', () => {
    const error = toStoreError('write to', 'Windows Credential Manager', new Error('Entry is matched by 2 credentials: Ambiguous'))
    expect(error).to.be.instanceOf(KeylessError)
    expect(error).to.not.be.instanceOf(StoreUnavailableError)
    expect(error.line).to.equal('Cannot write to the OS keychain (Windows Credential Manager): Entry is matched by 2 credentials: Ambiguous.')
  })
})

describe('createKeychainStore call bounds', () => {
  /** A binding whose every call hangs, like a Secret Service waiting on an unlock prompt nobody sees. */
  function hangingBinding(seen: {aborted: boolean[]; options: unknown[]}): KeyringBinding {
    const hang = (signal?: AbortSignal | null) =>
      new Promise<never>(() => {
        signal?.addEventListener('abort', () => seen.aborted.push(true))
      })
    class HangingEntry {
      constructor(_service: string, _user: string, options?: unknown) {
        seen.options.push(options)
      }
      getPassword(signal?: AbortSignal | null) {
        return hang(signal)
      }
      setPassword(_password: string, signal?: AbortSignal | null) {
        return hang(signal)
      }
      deleteCredential(signal?: AbortSignal | null) {
        return hang(signal)
      }
    }
    return {
      AsyncEntry: HangingEntry as unknown as KeyringBinding['AsyncEntry'],
      findCredentialsAsync: (_service: string, _target?: string | null, signal?: AbortSignal | null) => hang(signal),
    }
  }

  it('gives up on a call that never returns after timeoutMs, aborting it, in one line', async () => {
    const seen = {aborted: [] as boolean[], options: [] as unknown[]}
    const store = createKeychainStore({service: 's', platform: 'linux', timeoutMs: 200, binding: hangingBinding(seen)})
    const calls: Array<[string, Promise<unknown>]> = [
      ['read from', store.get('k')],
      // A write or delete reads the item first (to find the chunks of a chunked value: chunked-store.ts).
      ['read from', store.set('k', 'v')],
      ['read from', store.delete('k')],
      ['search', store.list('')],
    ]
    for (const [action, call] of calls) {
      const started = Date.now()
      const error = await call.catch((e: unknown) => e)
      expect(error).to.be.instanceOf(StoreUnavailableError)
      expect((error as StoreUnavailableError).line).to.equal(
        `Cannot ${action} the OS keychain (Secret Service): no answer within 0.2 s. Set KEYLESS_STORE=file (with KEYLESS_FILE_PASSPHRASE) to use the encrypted file store instead.`,
      )
      expect(Date.now() - started).to.be.below(1_000)
    }
    expect(seen.aborted).to.have.length(4)
    // One entry per key, reused; pinned to the Secret Service on Linux, never the kernel keyring.
    expect(seen.options).to.deep.equal([{linux: {store: 'secret-service'}}])
  })

  it('names the platform keychain and passes no Linux options elsewhere', async () => {
    const seen = {aborted: [] as boolean[], options: [] as unknown[]}
    const mac = createKeychainStore({service: 'keyless', platform: 'darwin', timeoutMs: 50, binding: hangingBinding(seen)})
    expect(mac.description).to.equal('macOS Keychain, service "keyless"')
    const error = await mac.get('k').catch((e: unknown) => e)
    expect((error as StoreUnavailableError).line).to.match(/^Cannot read from the OS keychain \(macOS Keychain\): no answer/)
    expect(seen.options).to.deep.equal([undefined])
    expect(createKeychainStore({service: 'keyless', platform: 'win32'}).description).to.equal('Windows Credential Manager, service "keyless"')
  })
})
