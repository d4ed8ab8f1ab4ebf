import {randomBytes} from 'node:crypto'
import {expect} from 'chai'
import {createKeychainStore} from '../../src/store/keychain-store.js'
import {fastStoreReader} from '../../src/store/fast-store-reader.js'
import {resolvePaths} from '../../src/util/paths.js'

const paths = resolvePaths({HOME: '/home/u'})

describe('fastStoreReader against the real Secret Service', function () {
  this.timeout(30_000)

  it('reads over D-Bus on Linux exactly what the keychain store wrote; a dead bus fails (the caller falls back)', async () => {
    const address = process.env.DBUS_SESSION_BUS_ADDRESS
    if (!address) throw new Error('no D-Bus session bus: run through `npm test`')
    const service = `keyless-fast-reader-${randomBytes(4).toString('hex')}`
    const store = createKeychainStore({service, dbusAddress: address})
    try {
      await store.set('role/s/111111111111/R', '{"v":"ß∂"}')
      const read = await fastStoreReader({DBUS_SESSION_BUS_ADDRESS: address, KEYLESS_KEYCHAIN_SERVICE: service}, paths, {platform: 'linux'})
      expect(await read!('role/s/111111111111/R')).to.equal('{"v":"ß∂"}')
      expect(await read!('role/none/1/R')).to.equal(undefined)
      const broken = await fastStoreReader({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}, paths, {platform: 'linux'})
      expect((await broken!('role/none/1/R').catch((e: Error) => e)) as Error).to.be.instanceOf(Error)
    } finally {
      for (const key of await store.list('')) await store.delete(key)
    }
  })
})
