import {randomBytes} from 'node:crypto'
import {expect} from 'chai'
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
