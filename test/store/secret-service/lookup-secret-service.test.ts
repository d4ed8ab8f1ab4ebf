import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {encodeMessage, MessageType} from '../../../src/store/secret-service/dbus-wire.js'
import {lookupSecretService} from '../../../src/store/secret-service/lookup-secret-service.js'

// Against fake buses on Unix sockets; the real Secret Service is in lookup-secret-service.e2e.test.ts.
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
