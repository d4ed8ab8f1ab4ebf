import {existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {claimFetch} from '../../src/hot-path/claim-fetch.js'
import {fakeClock, type FakeClock} from '../helpers/fake-clock.js'

describe('claimFetch', () => {
  let dir: string
  let lockPath: string
  let claimPath: string
  let exits: Array<() => void>
  let clock: FakeClock
  const options = (extra: Partial<Parameters<typeof claimFetch>[0]> = {}) => ({
    lockPath, claimPath, timeoutMs: 2000, intervalMs: 5, onExit: (fn: () => void) => exits.push(fn), now: clock.now, sleep: clock.sleep, ...extra,
  })
  /** Lets a waiting claimFetch poll `n` more times (each poll ends in one sleep). */
  const polls = async (n: number) => {
    const target = clock.sleeps.length + n
    while (clock.sleeps.length < target) await new Promise((resolve) => setImmediate(resolve))
  }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-claim-'))
    lockPath = join(dir, 'credentials.lock')
    claimPath = join(dir, 'credentials.claim.lock')
    exits = []
    clock = fakeClock()
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('lets the first caller claim the fetch, and releases the claim when that process exits', async () => {
    expect(await claimFetch(options())).to.equal('claimed')
    expect(readFileSync(join(claimPath, 'pid'), 'utf8')).to.equal(String(process.pid))
    expect(exits).to.have.length(1)
    exits[0]()
    expect(existsSync(claimPath)).to.equal(false)
  })

  it('makes later callers wait until neither the claim nor the credential lock exists', async () => {
    expect(await claimFetch(options())).to.equal('claimed')
    const waiting = claimFetch(options())
    let settled = false
    void waiting.then(() => (settled = true))
    await polls(3)
    expect(settled).to.equal(false) // the claim is held
    mkdirSync(lockPath) // the claimer's full path takes the credential lock
    exits[0]() // and its claim goes away when it exits…
    await polls(3)
    expect(settled).to.equal(false) // …but the lock is still held
    rmSync(lockPath, {recursive: true})
    expect(await waiting).to.equal('fetched-elsewhere')
  })

  it('gives up on a claim whose process is gone, and removes it', async () => {
    mkdirSync(claimPath)
    writeFileSync(join(claimPath, 'pid'), '2147483646')
    expect(await claimFetch(options())).to.equal('gave-up')
    expect(existsSync(claimPath)).to.equal(false)
  })

  it('waits on a claim whose pid is not written yet, and gives up on one left without a pid (a kill between the two steps)', async () => {
    clock = fakeClock(Date.now())
    mkdirSync(claimPath)
    // Just made: being written, so the holder counts as alive until the timeout.
    expect(await claimFetch(options({timeoutMs: 50}))).to.equal('gave-up')
    expect(existsSync(claimPath)).to.equal(true)
    // Ten seconds old and still no pid: left behind, removed.
    const old = new Date(clock.now() - 10_000)
    utimesSync(claimPath, old, old)
    expect(await claimFetch(options())).to.equal('gave-up')
    expect(existsSync(claimPath)).to.equal(false)
  })

  it('gives up after the timeout (a sign-in in the browser can take minutes)', async () => {
    mkdirSync(lockPath)
    mkdirSync(claimPath)
    writeFileSync(join(claimPath, 'pid'), String(process.pid))
    const started = clock.now()
    expect(await claimFetch(options({timeoutMs: 100}))).to.equal('gave-up')
    // It polled every 5 ms until the deadline, not a poll more.
    expect(clock.now() - started).to.equal(100)
    expect(clock.sleeps).to.deep.equal(Array.from({length: 20}, () => 5))
    expect(existsSync(claimPath)).to.equal(true)
  })
})
