import {expect} from 'chai'
import {fastStoreReader} from '../../src/store/fast-store-reader.js'
import {createMemoryStore} from '../../src/store/memory-store.js'
import {storeChoice} from '../../src/store/store-choice.js'
import type {Paths} from '../../src/util/paths.js'
import {resolvePaths} from '../../src/util/paths.js'

const paths: Paths = resolvePaths({HOME: '/home/u'})

describe('storeChoice and fastStoreReader (can this store be read fast here)', () => {
  it('reads KEYLESS_STORE, the keychain service default, the Secret Service platforms and the passphrase rule', () => {
    expect(storeChoice({}, paths, 'linux')).to.deep.equal({kind: 'keychain', service: 'keyless', secretService: true})
    expect(storeChoice({KEYLESS_STORE: ' keychain ', KEYLESS_KEYCHAIN_SERVICE: 'k2', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/b'}, paths, 'darwin')).to.deep.equal({
      kind: 'keychain', service: 'k2', dbusAddress: 'unix:path=/b', secretService: false,
    })
    expect(storeChoice({KEYLESS_STORE: 'file'}, paths)).to.deep.equal({kind: 'file', path: `${paths.dataDir}/secrets.enc`})
    expect(storeChoice({KEYLESS_STORE: 'file', KEYLESS_FILE_PASSPHRASE: 'p'}, paths)).to.deep.include({passphrase: 'p'})
    expect(storeChoice({KEYLESS_STORE: 'vault'}, paths)).to.deep.equal({kind: 'unknown', name: 'vault'})
  })

  it('declines what would prompt or is unknown, so the full path reports it', async () => {
    const openStore = async () => expect.fail('must not open a store')
    expect(await fastStoreReader({KEYLESS_STORE: 'file'}, paths, {openStore})).to.equal(undefined)
    expect(await fastStoreReader({KEYLESS_STORE: 'vault'}, paths, {openStore})).to.equal(undefined)
  })

  it('reads another keychain, and the file store with its passphrase, through the store', async () => {
    const store = createMemoryStore()
    await store.set('role/a/1/R', 'v')
    const opened: string[] = []
    const openStore = async (env: NodeJS.ProcessEnv) => (opened.push(env.KEYLESS_STORE ?? 'keychain'), store)
    expect(await (await fastStoreReader({}, paths, {openStore, platform: 'darwin'}))!('role/a/1/R')).to.equal('v')
    expect(await (await fastStoreReader({KEYLESS_STORE: 'file', KEYLESS_FILE_PASSPHRASE: 'p'}, paths, {openStore}))!('role/a/1/R')).to.equal('v')
    expect(opened).to.deep.equal(['keychain', 'file'])
  })
})
