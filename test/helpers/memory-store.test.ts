import {expect} from 'chai'
import type {SecretStore} from '../../src/store/secret-store.js'
import {describeSecretStoreContract} from '../store/secret-store-contract.js'
import {createMemoryStore} from './memory-store.js'

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

  it('shows its items and counts writes', async () => {
    const store = createMemoryStore()
    await store.set('a', '1')
    await store.set('a', '2')
    await store.delete('a')
    expect(store.sets).to.equal(2)
    expect([...store.items]).to.deep.equal([])
  })
})
