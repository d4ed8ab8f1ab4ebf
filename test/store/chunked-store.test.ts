import {expect} from 'chai'
import {createHash, randomBytes} from 'node:crypto'
import {chunkedStore, isChunkKey, parseChunkHead, readChunkedValue, splitValue} from '../../src/store/chunked-store.js'
import {CHUNK_HEAD_PREFIX} from '../../src/store/keys.js'
import {createMemoryStore} from '../helpers/memory-store.js'
import type {SecretStore} from '../../src/store/secret-store.js'
import {describeSecretStoreContract} from './secret-store-contract.js'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')
/** A base64 token of exactly n characters, as IAM Identity Center and STS issue them. */
const token = (n: number) => randomBytes(n).toString('base64').slice(0, n)

/** A memory store that refuses what Windows Credential Manager refuses: an item over `limit` characters. */
function limitedStore(limit: number, log: string[] = []): SecretStore & {items: Map<string, string>} {
  const inner = createMemoryStore()
  const items = new Map<string, string>()
  return {
    ...inner,
    items,
    async get(key) {
      log.push(`get ${key}`)
      return items.get(key)
    },
    async set(key, value) {
      if (value.length > limit) throw new Error(`Value of 'password encoded as UTF-16' is longer than the platform limit of ${limit * 2} chars`)
      log.push(`set ${key}`)
      items.set(key, value)
    },
    async delete(key) {
      log.push(`delete ${key}`)
      return items.delete(key)
    },
    async list(prefix) {
      return [...items.keys()].filter((key) => key.startsWith(prefix)).sort()
    },
  }
}

describeSecretStoreContract('memory', async () => {
  const store = chunkedStore(createMemoryStore(), {chunkChars: 128})
  return {store, reopen: () => store}
})

describe('chunkedStore', () => {
  it('stores a realistic session token (1,300-character access and refresh tokens) under the Windows limit of 1,280', async () => {
    const raw = limitedStore(1280)
    const store = chunkedStore(raw, {chunkChars: 1280})
    const value = JSON.stringify({accessToken: token(1300), refreshToken: token(1300), expiresAt: '2026-12-01T15:00:00Z', region: 'eu-west-1'})
    expect(value.length).to.be.greaterThan(2600)
    await store.set('token/dev', value)
    expect(await store.get('token/dev')).to.equal(value)
    const head = parseChunkHead(raw.items.get('token/dev') as string)
    expect(head).to.deep.equal({count: 3, sha256: sha256(value), version: sha256(value).slice(0, 16)})
    expect([...raw.items.keys()].sort()).to.deep.equal(['token/dev', ...[1, 2, 3].map((i) => `token/dev#chunk-${head?.version}-${i}`)].sort())
    for (const item of raw.items.values()) expect(item.length).to.be.at.most(1280)
    expect(await store.list('')).to.deep.equal(['token/dev'])
  })

  it('stores role credentials with a 2,000-character session token (session tags), and a short value as one item', async () => {
    const raw = limitedStore(1280)
    const store = chunkedStore(raw, {chunkChars: 1280})
    const role = JSON.stringify({accessKeyId: 'ASIA' + 'A'.repeat(16), secretAccessKey: token(40), sessionToken: token(2000), expiration: 1})
    await store.set('role/dev/111111111111/Admin', role)
    await store.set('registration/dev', '{"clientId":"short"}')
    expect(await store.get('role/dev/111111111111/Admin')).to.equal(role)
    expect(raw.items.get('registration/dev')).to.equal('{"clientId":"short"}')
    expect(raw.items.size).to.equal(1 + 1 + 2)
  })

  it('writes the chunks first and the head last, then removes the previous chunks', async () => {
    const log: string[] = []
    const store = chunkedStore(limitedStore(200, log), {chunkChars: 200})
    const first = token(450)
    await store.set('token/dev', first)
    log.length = 0
    const second = token(450)
    await store.set('token/dev', second)
    const v1 = sha256(first).slice(0, 16)
    const v2 = sha256(second).slice(0, 16)
    expect(log).to.deep.equal([
      'get token/dev',
      ...[1, 2, 3].map((i) => `set token/dev#chunk-${v2}-${i}`),
      'set token/dev',
      ...[1, 2, 3].map((i) => `delete token/dev#chunk-${v1}-${i}`),
    ])
  })

  it('gives a concurrent reader the old value or the new one whole at every step of a rewrite', async () => {
    const raw = limitedStore(200)
    const store = chunkedStore(raw, {chunkChars: 200})
    const old = token(900)
    const next = token(700)
    await store.set('token/dev', old)
    const seen: Array<string | undefined> = []
    // A reader that runs between every step of the writer.
    const observed: SecretStore = {
      ...raw,
      get: (key) => raw.get(key),
      set: async (key, value) => {
        await raw.set(key, value)
        seen.push(await store.get('token/dev'))
      },
      delete: async (key) => {
        const removed = await raw.delete(key)
        seen.push(await store.get('token/dev'))
        return removed
      },
    }
    await chunkedStore(observed, {chunkChars: 200}).set('token/dev', next)
    expect(seen.length).to.equal(4 + 1 + 5)
    for (const value of seen) expect([old, next]).to.include(value)
    expect(seen.at(-1)).to.equal(next)
  })

  it('reads a missing, truncated, swapped or extra chunk as a miss, never as garbage', async () => {
    const raw = limitedStore(150)
    const store = chunkedStore(raw, {chunkChars: 150})
    const value = token(400)
    await store.set('token/dev', value)
    const version = sha256(value).slice(0, 16)
    const chunk = (i: number) => `token/dev#chunk-${version}-${i}`
    const original = new Map(raw.items)
    const restore = () => {
      raw.items.clear()
      for (const [k, v] of original) raw.items.set(k, v)
    }
    raw.items.delete(chunk(2))
    expect(await store.get('token/dev')).to.equal(undefined)
    restore()
    raw.items.set(chunk(3), (raw.items.get(chunk(3)) as string).slice(0, -1))
    expect(await store.get('token/dev')).to.equal(undefined)
    restore()
    const [a, b] = [raw.items.get(chunk(1)) as string, raw.items.get(chunk(2)) as string]
    raw.items.set(chunk(1), b)
    raw.items.set(chunk(2), a)
    expect(await store.get('token/dev')).to.equal(undefined)
    restore()
    raw.items.set('token/dev', `${CHUNK_HEAD_PREFIX}n=2 sha256=${sha256(value)}`)
    expect(await store.get('token/dev')).to.equal(undefined)
    raw.items.set('token/dev', `${CHUNK_HEAD_PREFIX}n=3 sha256=nothex`)
    expect(await store.get('token/dev')).to.equal(undefined)
    restore()
    expect(await store.get('token/dev')).to.equal(value)
  })

  it('removes the chunks when a chunked value is overwritten by a short one, deleted, or torn before its head', async () => {
    const raw = limitedStore(150)
    const store = chunkedStore(raw, {chunkChars: 150})
    await store.set('token/dev', token(400))
    await store.set('token/dev', 'short')
    expect([...raw.items.keys()]).to.deep.equal(['token/dev'])
    await store.set('token/dev', token(400))
    raw.items.set('token/dev#chunk-0123456789abcdef-1', 'orphan of a write torn before its head')
    expect(await store.delete('token/dev')).to.equal(true)
    expect([...raw.items.keys()]).to.deep.equal([])
    expect(await store.delete('token/dev')).to.equal(false)
    raw.items.set('token/gone#chunk-0123456789abcdef-1', 'only an orphan')
    expect(await store.delete('token/gone')).to.equal(true)
    expect(raw.items.size).to.equal(0)
  })

  it('chunks a short value that happens to look like a head, so nothing stored is ambiguous', async () => {
    const raw = limitedStore(150)
    const store = chunkedStore(raw, {chunkChars: 150})
    const lookalike = `${CHUNK_HEAD_PREFIX}n=1 sha256=${'0'.repeat(64)}`
    await store.set('token/odd', lookalike)
    expect(await store.get('token/odd')).to.equal(lookalike)
    expect(raw.items.get('token/odd')).to.not.equal(lookalike)
  })

  it('never splits a surrogate pair (emoji), and keeps every piece within the limit', () => {
    const value = '🔑'.repeat(300) + 'x' + '🔑'.repeat(300)
    for (const size of [2, 3, 127, 128, 1280]) {
      const parts = splitValue(value, size)
      expect(parts.join('')).to.equal(value)
      for (const part of parts) {
        expect(part.length).to.be.within(1, size)
        expect(/[\ud800-\udbff]$|^[\udc00-\udfff]/.test(part), part).to.equal(false)
      }
    }
  })

  it('hides only chunk items from list', () => {
    expect(isChunkKey('token/dev#chunk-0123456789abcdef-12')).to.equal(true)
    expect(isChunkKey('token/dev#chunk-0123456789abcdef-0')).to.equal(false)
    expect(isChunkKey('audit/my#profile')).to.equal(false)
    expect(isChunkKey('token/dev')).to.equal(false)
  })

  it('readChunkedValue asks for all chunks in one call (the hot path makes it one D-Bus round trip)', async () => {
    const value = token(300)
    const raw = limitedStore(128)
    await chunkedStore(raw, {chunkChars: 128}).set('role/x', value)
    const calls: string[][] = []
    const read = await readChunkedValue('role/x', raw.items.get('role/x') as string, async (keys) => {
      calls.push(keys)
      return keys.map((k) => raw.items.get(k))
    })
    expect(read).to.equal(value)
    expect(calls).to.have.length(1)
    expect(calls[0]).to.have.length(3)
  })
})
