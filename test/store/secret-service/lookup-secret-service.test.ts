import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {lookupSecretService, lookupSecretServiceItems, unixBusPath} from '../../../src/store/secret-service/lookup-secret-service.js'

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

  it('leaves no unhandled rejection behind when the deadline passes with pipelined calls unanswered', async () => {
    const path = join(dir, 'authenticates-then-silent')
    server = createServer((socket) => socket.once('data', () => socket.write('OK 0123456789abcdef0123456789abcdef\r\n')))
    await new Promise<void>((resolve) => server!.listen(path, resolve))
    const unhandled: unknown[] = []
    const record = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', record)
    try {
      const error = await failure(lookupSecretServiceItems({address: `unix:path=${path}`, attributeSets: [{a: '1'}, {a: '2'}], timeoutMs: 200}))
      expect(error?.message).to.equal('Secret Service lookup timed out')
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(unhandled).to.deep.equal([])
    } finally {
      process.off('unhandledRejection', record)
    }
  })

  it('fails fast without a bus, or when authentication is refused', async () => {
    expect((await failure(lookupSecretService({address: `unix:path=${join(dir, 'none')}`, attributes: {}})))?.message).to.match(/ENOENT/)
    const path = join(dir, 'rejecting')
    server = createServer((socket) => socket.once('data', () => socket.write('REJECTED EXTERNAL\r\n')))
    await new Promise<void>((resolve) => server!.listen(path, resolve))
    expect((await failure(lookupSecretService({address: `unix:path=${path}`, attributes: {}})))?.message).to.equal('D-Bus authentication refused (REJECTED)')
  })

  it('parses unix bus addresses and refuses the others', () => {
    expect(unixBusPath('unix:path=/run/user/1000/bus')).to.equal('/run/user/1000/bus')
    expect(unixBusPath('unix:path=/tmp/dbus-8IHW9MIkKX,guid=f23eb1ad')).to.equal('/tmp/dbus-8IHW9MIkKX')
    expect(unixBusPath('unix:abstract=/tmp/dbus-x,guid=1')).to.equal('\0/tmp/dbus-x')
    expect(unixBusPath('tcp:host=localhost,port=1234;unix:path=/b')).to.equal('/b')
    expect(unixBusPath('tcp:host=localhost,port=1234')).to.equal(undefined)
  })
})
