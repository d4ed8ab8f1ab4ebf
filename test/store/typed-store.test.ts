import {expect} from 'chai'
import {createMemoryStore} from '../helpers/memory-store.js'
import {getJson, setJson} from '../../src/store/typed-store.js'

interface Cached {
  value: string
  expiresAt: number
}

const now = 1_800_000_000_000
const isFresh = (v: unknown): v is Cached =>
  typeof v === 'object' && v !== null && typeof (v as Cached).value === 'string' && typeof (v as Cached).expiresAt === 'number' && (v as Cached).expiresAt > now

describe('typed store helpers', () => {
  it('round-trips a value as JSON', async () => {
    const store = createMemoryStore()
    await setJson(store, 'k', {value: 'v', expiresAt: now + 1000})
    expect(await store.get('k')).to.equal(`{"value":"v","expiresAt":${now + 1000}}`)
    expect(await getJson(store, 'k', isFresh)).to.deep.equal({value: 'v', expiresAt: now + 1000})
  })

  it('treats a missing, unparsable, wrongly shaped or expired item as a miss, not an error', async () => {
    const store = createMemoryStore({
      corrupt: '{"value": "v", "expiresAt": ',
      shape: '{"value": 1, "expiresAt": 2}',
      expired: JSON.stringify({value: 'v', expiresAt: now - 1}),
      nullish: 'null',
    })
    for (const key of ['missing', 'corrupt', 'shape', 'expired', 'nullish']) {
      expect(await getJson(store, key, isFresh), key).to.equal(undefined)
    }
  })
})
