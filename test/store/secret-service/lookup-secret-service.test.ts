import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {encodeMessage, MessageType} from '../../../src/store/secret-service/dbus-wire.js'
import {lookupSecretService} from '../../../src/store/secret-service/lookup-secret-service.js'
import {createKeychainStore} from '../../../src/store/keychain-store.js'

// Against the real Secret Service of the test run (npm test starts a private gnome-keyring): what
// the secret store writes through @napi-rs/keyring, the fast path reads over D-Bus.
describe('lookupSecretService (real Secret Service)', function () {
  this.timeout(30_000)
  const address = process.env.DBUS_SESSION_BUS_ADDRESS as string
  const service = `keyless-lookup-test-${randomBytes(4).toString('hex')}`
  const store = createKeychainStore({service, dbusAddress: address})

  before(function () {
    if (!address) throw new Error('no D-Bus session bus: run through `npm test`')
  })
  after(async () => {
    for (const key of await store.list('')) await store.delete(key)
  })

  it('reads exactly what the keychain store wrote (long, non-ASCII, JSON)', async () => {
    const value = JSON.stringify({accessKeyId: 'ASIA', secret: 'ß∂ƒ'.repeat(500), nested: {a: [1, 2]}})
    await store.set('role/corp/111111111111/ReadOnly', value)
    await store.set('role/corp/111111111111/Admin', 'another item')
    expect(await lookupSecretService({address, attributes: {service, username: 'role/corp/111111111111/ReadOnly'}})).to.equal(value)
    expect(await lookupSecretService({address, attributes: {service, username: 'role/corp/111111111111/Admin'}})).to.equal('another item')
  })

  it('answers undefined for a missing item, and sees updates and deletions', async () => {
    const key = 'chain/0123456789abcdef0123456789abcdef'
    expect(await lookupSecretService({address, attributes: {service, username: key}})).to.equal(undefined)
    await store.set(key, 'v1')
    await store.set(key, 'v2')
    expect(await lookupSecretService({address, attributes: {service, username: key}})).to.equal('v2')
    await store.delete(key)
    expect(await lookupSecretService({address, attributes: {service, username: key}})).to.equal(undefined)
  })

  it('does not confuse services', async () => {
    await store.set('role/x/1/R', 'mine')
    expect(await lookupSecretService({address, attributes: {service: `${service}-other`, username: 'role/x/1/R'}})).to.equal(undefined)
  })
})

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: Error) => e)

describe('lookupSecretService (failures)', () => {
  let dir: string
  let server: Server | undefined
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-bus-'))
  })
  afterEach(async () => {
    server?.close()
    server = undefined
    await rm(dir, {recursive: true, force: true})
  })

  it('gives up at the deadline when the bus accepts but never answers (a frozen bus)', async () => {
    const path = join(dir, 'silent')
    server = createServer(() => {})
    await new Promise<void>((resolve) => server!.listen(path, resolve))
    const started = Date.now()
    const error = await failure(lookupSecretService({address: `unix:path=${path}`, attributes: {service: 's', username: 'u'}, timeoutMs: 200}))
    expect(error?.message).to.equal('Secret Service lookup timed out')
    expect(Date.now() - started).to.be.within(150, 2000)
  })

  it('fails fast without a bus, or when authentication is refused', async () => {
    expect((await failure(lookupSecretService({address: `unix:path=${join(dir, 'none')}`, attributes: {}})))?.message).to.match(/ENOENT/)
    const path = join(dir, 'rejecting')
    server = createServer((socket) => socket.once('data', () => socket.write('REJECTED EXTERNAL\r\n')))
    await new Promise<void>((resolve) => server!.listen(path, resolve))
    expect((await failure(lookupSecretService({address: `unix:path=${path}`, attributes: {}})))?.message).to.equal('D-Bus authentication refused (REJECTED)')
  })

  it('rejects once, with the error name, when the bus has no Secret Service, leaving no rejection unhandled', async () => {
    // A bus that accepts, answers Hello, sends NameAcquired, and answers the Secret Service
    // calls with ServiceUnknown: what a session bus without a keyring does.
    const path = join(dir, 'no-secrets')
    server = createServer((socket) => {
      let authed = false
      socket.on('data', (chunk) => {
        if (!authed && chunk.includes('AUTH')) {
          authed = true
          socket.write('OK 0123456789abcdef0123456789abcdef\r\n')
          return
        }
        if (!chunk.includes('Hello')) return
        const answer = (type: number, serial: number, replySerial: number, extra: Array<[number, {signature: string; value: string}]> = []) =>
          encodeMessage({type, serial, fields: [[5, {signature: 'u', value: replySerial}], ...extra], signature: 's', body: ['x']})
        const unknown: [number, {signature: string; value: string}] = [4, {signature: 's', value: 'org.freedesktop.DBus.Error.ServiceUnknown'}]
        const signal = encodeMessage({type: MessageType.signal, serial: 2, fields: [[3, {signature: 's', value: 'NameAcquired'}]], signature: 's', body: [':1.9']})
        socket.write(Buffer.concat([answer(MessageType.methodReturn, 1, 1), signal, answer(MessageType.error, 3, 2, [unknown]), answer(MessageType.error, 4, 3, [unknown])]))
      })
    })
    await new Promise<void>((resolve) => server!.listen(path, resolve))
    const unhandled: unknown[] = []
    const record = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', record)
    try {
      const error = await failure(lookupSecretService({address: `unix:path=${path}`, attributes: {service: 's', username: 'u'}}))
      expect(error?.message).to.equal('org.freedesktop.DBus.Error.ServiceUnknown')
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.off('unhandledRejection', record)
    }
    expect(unhandled).to.deep.equal([])
  })
})
