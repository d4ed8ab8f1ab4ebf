import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {decodeMessages, encodeMessage, MessageType} from '../../../src/store/secret-service/dbus-wire.js'
import {lookupSecretService, lookupSecretServiceItems} from '../../../src/store/secret-service/lookup-secret-service.js'

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

describe('lookupSecretServiceItems (disconnecting)', () => {
  it('reads every reply before it disconnects, also when an early answer already decides the outcome', async () => {
    // gnome-keyring can abort when a client disconnects while a request of its is still queued
    // (upstream #190, #196, #199). Here the first search answers "locked" at once and the second
    // answers 150 ms later: the client must still be connected when that reply is sent.
    const dir = await mkdtemp(join(tmpdir(), 'keyless-bus-'))
    const path = join(dir, 'slow-second')
    const events: string[] = []
    const server = createServer((socket) => {
      let authed = false
      let buffer: Buffer = Buffer.alloc(0)
      socket.on('close', () => events.push('close'))
      socket.on('data', (chunk) => {
        if (!authed) {
          if (chunk.includes('AUTH')) socket.write('OK 0123456789abcdef0123456789abcdef\r\n')
          if (!chunk.includes('BEGIN')) return
          authed = true
          chunk = chunk.subarray(chunk.indexOf('BEGIN\r\n') + 7)
        }
        buffer = Buffer.concat([buffer, chunk])
        const {messages, rest} = decodeMessages(buffer)
        buffer = rest
        for (const call of messages) {
          const reply = (signature: string, body: unknown[]) =>
            encodeMessage({type: MessageType.methodReturn, serial: 100 + call.serial, fields: [[5, {signature: 'u', value: call.serial}]], signature, body: body as never})
          if (call.serial === 1) socket.write(reply('s', [':1.9']))
          else if (call.serial === 2) socket.write(reply('vo', [{signature: 's', value: ''}, '/org/freedesktop/secrets/session/1']))
          else if (call.serial === 3) socket.write(reply('aoao', [[], ['/org/freedesktop/secrets/collection/login/1']]))
          else {
            setTimeout(() => {
              if (socket.destroyed) return
              events.push('last reply')
              socket.write(reply('aoao', [[], []]))
            }, 150)
          }
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(path, resolve))
    try {
      const error = await failure(lookupSecretServiceItems({address: `unix:path=${path}`, attributeSets: [{service: 'a'}, {service: 'b'}], timeoutMs: 2000}))
      expect(error?.message).to.equal('the item is locked or ambiguous')
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(events, 'disconnected only after the last reply').to.deep.equal(['last reply', 'close'])
    } finally {
      server.close()
      await rm(dir, {recursive: true, force: true})
    }
  })
})
