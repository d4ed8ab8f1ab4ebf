import {expect} from 'chai'
import {createMemoryStore} from '../../src/store/memory-store.js'
import type {SecretStore} from '../../src/store/secret-store.js'
import {describeSecretStoreContract} from './secret-store-contract.js'

describeSecretStoreContract('memory', async () => {
  const store = createMemoryStore()
  return {store, reopen: () => store}
})

describe('createMemoryStore', () => {
  it('starts from the given items, and two stores do not share anything', async () => {
    const a: SecretStore = createMemoryStore({'token/x': 'v'})
    const b = createMemoryStore()
    expect(await a.get('token/x')).to.equal('v')
    expect(await b.get('token/x')).to.equal(undefined)
  })
})
