import {expect} from 'chai'
import {cached} from '../../src/credentials/cached.js'
import {KeylessError, LoginRequiredError} from '../../src/errors.js'
import type {RecordedFailure} from '../../src/lock/failure-record.js'
import {lockName} from '../../src/lock/lock-name.js'
import type {AwsCredentials} from '../../src/credentials/credential-types.js'
import {parseStoredCredentials, serializeCredentials} from '../../src/credentials/stored-credentials.js'
import {fakeClock} from '../helpers/fake-clock.js'
import {createMemoryStore} from '../helpers/memory-store.js'
import {memoryLock, T0} from './fakes.js'

const minute = 60_000

function counting(clock: {now: () => number}, lifetimeMs = 60 * minute) {
  let calls = 0
  const provider = async (): Promise<AwsCredentials> => {
    calls++
    return {accessKeyId: `ASIA${calls}`, secretAccessKey: `s${calls}`, sessionToken: `t${calls}`, expiresAt: clock.now() + lifetimeMs}
  }
  return {provider, calls: () => calls}
}

describe('cached', () => {
  it('fetches once, then serves from the store while more than 15 minutes remain', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    const source = counting(clock)
    const get = cached(source.provider, {store, key: 'role/s/1/R', now: clock.now, lock: memoryLock()})
    const first = await get()
    expect(first.accessKeyId).to.equal('ASIA1')
    expect(parseStoredCredentials(store.items.get('role/s/1/R'))).to.deep.equal(first)
    clock.advance(44 * minute) // 16 minutes left
    expect(await get()).to.deep.equal(first)
    expect(source.calls()).to.equal(1)
    clock.advance(2 * minute) // 14 minutes left: inside the window
    const second = await get()
    expect(second.accessKeyId).to.equal('ASIA2')
    expect(source.calls()).to.equal(2)
    expect(parseStoredCredentials(store.items.get('role/s/1/R'))).to.deep.equal(second)
  })

  it('treats a corrupt item as a miss and replaces it', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    store.items.set('k', '{"accessKeyId":"ASIAOLD", truncated')
    const source = counting(clock)
    const got = await cached(source.provider, {store, key: 'k', now: clock.now, lock: memoryLock()})()
    expect(got.accessKeyId).to.equal('ASIA1')
    expect(parseStoredCredentials(store.items.get('k'))?.accessKeyId).to.equal('ASIA1')
  })

  it('takes the lock only on a miss, and fetches once for many concurrent callers', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    const lock = memoryLock()
    const source = counting(clock)
    const get = cached(source.provider, {store, key: 'role/s/1/R', now: clock.now, lock})
    const results = await Promise.all(Array.from({length: 20}, () => get()))
    expect(source.calls()).to.equal(1)
    expect(new Set(results.map((r) => r.accessKeyId))).to.deep.equal(new Set(['ASIA1']))
    expect(lock.names.length).to.equal(20)
    expect(lock.names[0]).to.equal(lockName('credentials', 'role/s/1/R'))
    await get()
    expect(lock.names.length).to.equal(20) // a hit takes no lock
  })

  it('uses short-lived credentials another caller fetched while it waited, instead of fetching again', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    const source = counting(clock, 2 * minute) // never passes the 15-minute window
    const get = cached(source.provider, {store, key: 'k', now: clock.now, lock: memoryLock()})
    const results = await Promise.all(Array.from({length: 5}, () => get()))
    expect(source.calls()).to.equal(1)
    expect(results.every((r) => r.accessKeyId === 'ASIA1')).to.equal(true)
    // Later, alone: short-lived credentials are not reused by the window.
    await get()
    expect(source.calls()).to.equal(2)
  })

  it('still hands out fresh credentials when the store cannot keep them, and says so without secrets', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    store.set = async () => {
      throw new Error('keyring locked')
    }
    const warnings: string[] = []
    const got = await cached(counting(clock).provider, {store, key: 'k', now: clock.now, lock: memoryLock(), warn: (m) => warnings.push(m)})()
    expect(got.accessKeyId).to.equal('ASIA1')
    expect(warnings.join()).to.match(/could not cache credentials \(keyring locked\)/)
    expect(warnings.join()).to.not.include('s1')
  })

  it('passes provider errors through and caches nothing', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    const get = cached(async () => Promise.reject(new Error('denied')), {store, key: 'k', now: clock.now, lock: memoryLock()})
    let caught: unknown
    await get().catch((e: unknown) => (caught = e))
    expect((caught as Error).message).to.equal('denied')
    expect(store.items.size).to.equal(0)
  })

  it('names locks injectively and file-name-safely', () => {
    const names = ['role/a/1/R', 'role/a%2F1/R', 'role/a_1/R', 'chain/abc', "role/x/1/it's(ok)~"].map((key) => lockName('credentials', key))
    expect(new Set(names).size).to.equal(names.length)
    for (const n of names) expect(n).to.match(/^credentials-[A-Za-z0-9._%-]+$/)
  })

  it('serves an unexpired store entry written by serializeCredentials verbatim', async () => {
    const clock = fakeClock(T0)
    const store = createMemoryStore()
    const existing = {accessKeyId: 'ASIAKEEP', secretAccessKey: 'keep', sessionToken: 'keep', expiresAt: clock.now() + 30 * minute}
    store.items.set('k', serializeCredentials(existing))
    const source = counting(clock)
    expect(await cached(source.provider, {store, key: 'k', now: clock.now, lock: memoryLock()})()).to.deep.equal(existing)
    expect(source.calls()).to.equal(0)
  })

  it('warns with the skew when credentials AWS just issued are already expired by the local clock (hardening #14)', async () => {
    const clock = fakeClock(T0)
    const warnings: string[] = []
    const source = counting(clock, -90 * minute) // the local clock is 90 minutes ahead of AWS's
    const got = await cached(source.provider, {store: createMemoryStore(), key: 'k', now: clock.now, lock: memoryLock(), warn: (m) => warnings.push(m)})()
    expect(got.accessKeyId).to.equal('ASIA1')
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.match(/expired 90 minute\(s\) ago by this machine's clock .*the clock is at least that far ahead/)
    expect(warnings[0]).to.not.include('s1') // no secret in the warning

    const quiet: string[] = []
    await cached(counting(clock).provider, {store: createMemoryStore(), key: 'k', now: clock.now, lock: memoryLock(), warn: (m) => quiet.push(m)})()
    expect(quiet).to.deep.equal([])
  })
})

describe('cached: failures shared with waiters', () => {
  const recorder = () => {
    const written: RecordedFailure[] = []
    return {written, read: async () => written.at(-1), write: async (f: RecordedFailure) => void written.push(f), clear: async () => void (written.length = 0)}
  }

  it('records a failure of the service for the waiters, but not "sign in first" (the holder may not sign in; a waiter may)', async () => {
    const clock = fakeClock(T0)
    const failures = recorder()
    const fail = (error: Error) => cached(async () => {
      throw error
    }, {store: createMemoryStore(), key: 'role/s/1/R', now: clock.now, lock: memoryLock(), failures})
    const throttled = new KeylessError('The portal kept throttling.', {code: 'Throttled', exit: 6})
    expect(await fail(throttled)().catch((e: unknown) => e)).to.equal(throttled)
    expect(failures.written.map((f) => f.code)).to.deep.equal(['Throttled'])
    const login = new LoginRequiredError('s')
    expect(await fail(login)().catch((e: unknown) => e)).to.equal(login)
    expect(failures.written.map((f) => f.code)).to.deep.equal(['Throttled'])
  })
})
