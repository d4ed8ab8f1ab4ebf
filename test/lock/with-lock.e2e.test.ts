import {expect} from 'chai'
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import {mkdir, readFile, utimes, writeFile} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {KeylessError} from '../../src/errors.js'
import {lockPath, withLock, type LockOwner} from '../../src/lock/with-lock.js'

const child = fileURLToPath(new URL('lock-child.mjs', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    env: {...process.env, KEYLESS_LOCK_CHILD: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

function exited(proc: ChildProcess): Promise<{code: number | null; stderr: string}> {
  let stderr = ''
  proc.stderr?.on('data', (d) => (stderr += d))
  return new Promise((resolve) => proc.on('exit', (code) => resolve({code, stderr})))
}

function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    proc.stdout?.on('data', (d) => {
      out += d
      if (out.includes('\n')) resolve(out.trim())
    })
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before printing`)))
  })
}

/** A pid that surely is not running: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', '0'])
  await new Promise((resolve) => proc.on('exit', resolve))
  return proc.pid as number
}

async function plantLock(dir: string, name: string, owner: Partial<LockOwner> | undefined, ageMs: number): Promise<string> {
  const path = lockPath(dir, name)
  await mkdir(path, {recursive: true})
  if (owner) await writeFile(join(path, 'owner.json'), JSON.stringify({since: Date.now() - ageMs, token: 'planted', ...owner}))
  const then = new Date(Date.now() - ageMs)
  await utimes(path, then, then)
  return path
}

describe('withLock', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'keyless-lock-')), 'locks')
  })
  afterEach(() => rmSync(join(dir, '..'), {recursive: true, force: true}))

  it('runs fn, returns its value, creates the directory 0700 and releases the lock', async () => {
    let inside: string[] = []
    const result = await withLock('token/dev session', async () => {
      inside = readdirSync(dir)
      return 42
    }, {dir})
    expect(result).to.equal(42)
    expect(inside).to.have.length(1)
    expect(inside[0]).to.match(/^token_dev_session-[0-9a-f]{10}\.lock$/)
    expect(statSync(dir).mode & 0o777).to.equal(0o700)
    expect(readdirSync(dir)).to.deep.equal([])
  })

  it('releases the lock when fn throws, and passes the error through', async () => {
    const boom = new Error('boom')
    let caught: unknown
    try {
      await withLock('x', async () => {
        throw boom
      }, {dir})
    } catch (error) {
      caught = error
    }
    expect(caught).to.equal(boom)
    expect(readdirSync(dir)).to.deep.equal([])
    expect(await withLock('x', async () => 'again', {dir, timeoutMs: 200})).to.equal('again')
  })

  it('keeps names apart: different names do not wait for each other', async () => {
    const order: string[] = []
    await withLock('a', async () => {
      await withLock('b', async () => void order.push('b'), {dir, timeoutMs: 200})
      order.push('a')
    }, {dir})
    expect(order).to.deep.equal(['b', 'a'])
    expect(lockPath(dir, 'a')).to.not.equal(lockPath(dir, 'A'))
  })

  it('excludes concurrent holders within one process', async () => {
    const file = join(dir, '..', 'counter')
    let inside = 0
    let maxInside = 0
    await Promise.all(
      Array.from({length: 12}, () =>
        withLock('counter', async () => {
          maxInside = Math.max(maxInside, ++inside)
          const n = Number(await readFile(file, 'utf8').catch(() => '0'))
          await sleep(3)
          await writeFile(file, String(n + 1))
          inside--
        }, {dir}),
      ),
    )
    expect(maxInside).to.equal(1)
    expect(await readFile(file, 'utf8')).to.equal('12')
  })

  it('excludes holders across processes (4 processes x 15 increments of one counter)', async () => {
    const file = join(dir, '..', 'counter')
    const procs = Array.from({length: 4}, () => run(['count', dir, 'shared', '15', file]))
    const results = await Promise.all(procs.map(exited))
    for (const r of results) expect(r, r.stderr).to.include({code: 0})
    expect(await readFile(file, 'utf8')).to.equal('60')
  })

  it('recovers at once a lock whose holder was killed with SIGKILL', async () => {
    const holder = run(['hold', dir, 'login'])
    expect(await firstLine(holder)).to.equal('locked')
    const owner = JSON.parse(await readFile(join(lockPath(dir, 'login'), 'owner.json'), 'utf8')) as LockOwner
    expect(owner.pid).to.equal(holder.pid)
    const gone = exited(holder)
    holder.kill('SIGKILL')
    await gone
    const started = Date.now()
    const result = await withLock('login', async () => 'recovered', {dir, timeoutMs: 10_000})
    expect(result).to.equal('recovered')
    // The default staleMs is 30 s: recovery this fast comes from seeing the holder is gone.
    expect(Date.now() - started).to.be.below(2000)
  })

  it('lets exactly one of many waiters at a time through a stale lock (no double break)', async () => {
    await plantLock(dir, 'herd', {pid: await deadPid(), host: hostname()}, 0)
    const file = join(dir, '..', 'counter')
    const start = Date.now() + 3000
    const procs = Array.from({length: 8}, () => run(['wait', dir, 'herd', String(start), file]))
    const results = await Promise.all(procs.map(exited))
    for (const r of results) expect(r, r.stderr).to.include({code: 0})
    expect(await readFile(file, 'utf8')).to.equal('8')
  })

  it('breaks a lock not touched for staleMs (holder on another host), but not a fresh one', async () => {
    await plantLock(dir, 'remote-old', {pid: 1, host: 'some-other-host'}, 5_000)
    expect(await withLock('remote-old', async () => 'taken', {dir, staleMs: 2_000, timeoutMs: 1_000})).to.equal('taken')

    await plantLock(dir, 'remote-fresh', {pid: 1, host: 'some-other-host'}, 0)
    const error = await withLock('remote-fresh', async () => 'taken', {dir, staleMs: 2_000, timeoutMs: 300}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(KeylessError)
    expect((error as KeylessError).line).to.include('on some-other-host')
  })

  it('breaks a half-made lock (no owner file) only once it is older than staleMs', async () => {
    await plantLock(dir, 'half-old', undefined, 5_000)
    expect(await withLock('half-old', async () => 'taken', {dir, staleMs: 2_000, timeoutMs: 1_000})).to.equal('taken')
    await plantLock(dir, 'half-new', undefined, 0)
    const error = await withLock('half-new', async () => 'taken', {dir, staleMs: 2_000, timeoutMs: 300}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(KeylessError)
  })

  it('keeps a long holder fresh: a waiter with a short staleMs still does not break it', async () => {
    let waiterError: unknown
    await withLock('long', async () => {
      waiterError = await withLock('long', async () => 'stolen', {dir, staleMs: 1_500, timeoutMs: 4_500}).catch((e: unknown) => e)
    }, {dir, staleMs: 1_500})
    expect(waiterError).to.be.instanceOf(KeylessError)
    expect((waiterError as KeylessError).code).to.equal('LockTimeout')
  })

  it('times out with one clear line naming the lock and its holder, and tells onWait once', async () => {
    const holder = run(['hold', dir, 'sso-session-dev'])
    try {
      expect(await firstLine(holder)).to.equal('locked')
      const waits: Array<LockOwner | undefined> = []
      const started = Date.now()
      const error = await withLock('sso-session-dev', async () => 'no', {
        dir,
        timeoutMs: 700,
        onWait: (owner) => waits.push(owner),
      }).catch((e: unknown) => e)
      const elapsed = Date.now() - started
      expect(error).to.be.instanceOf(KeylessError)
      const e = error as KeylessError
      expect(e.code).to.equal('LockTimeout')
      expect(e.exit).to.equal(1)
      expect(e.line).to.not.include('\n')
      expect(e.line).to.match(/^Timed out after 0\.7 s waiting for the lock "sso-session-dev" held by process \d+ since \d{4}-/)
      expect(e.line).to.include(`process ${holder.pid}`)
      expect(e.line).to.include(lockPath(dir, 'sso-session-dev'))
      expect(elapsed).to.be.within(650, 3_000)
      expect(waits).to.have.length(1)
      expect(waits[0]?.pid).to.equal(holder.pid)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('uses the injected clock and sleep for the deadline', async () => {
    await plantLock(dir, 'fake-clock', {pid: process.pid, host: hostname()}, 0)
    let t = Date.now()
    const sleeps: number[] = []
    const error = await withLock('fake-clock', async () => 'no', {
      dir,
      timeoutMs: 60_000,
      staleMs: 10 * 60_000,
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms)
        t += ms
      },
    }).catch((e: unknown) => e)
    expect((error as KeylessError).code).to.equal('LockTimeout')
    expect((error as KeylessError).line).to.include('Timed out after 60 s')
    expect(sleeps.length).to.be.above(10)
    expect(Math.max(...sleeps)).to.be.at.most(400)
  })

  it('a waiter waits no longer than the holder declared it can take (holdMs), not its own 15 minutes', async () => {
    let t = Date.now()
    // a live holder (this process) that took the lock 10 s ago and said it needs at most 40 s
    const path = await plantLock(dir, 'bounded', {pid: process.pid, host: hostname(), since: t - 10_000, holdMs: 40_000}, 0)
    const error = await withLock('bounded', async () => 'no', {
      dir,
      timeoutMs: 15 * 60_000,
      staleMs: 5_000,
      now: () => t,
      sleep: async (ms) => {
        t += ms
        await utimes(path, new Date(t), new Date(t)) // the holder's heartbeat
      },
    }).catch((e: unknown) => e)
    // 40 s from its start, plus the 5 s stale margin: 35 s of waiting here, not 15 minutes
    expect((error as KeylessError).line).to.match(/^Timed out after 35 s waiting for the lock "bounded" held by process \d+ since .*, which said it would take at most 40 s\./)
  })

  it('a holder records its holdMs (from when it got the lock) for waiters to read', async () => {
    const seen = await withLock('recorded', async () => JSON.parse(await readFile(join(lockPath(dir, 'recorded'), 'owner.json'), 'utf8')) as LockOwner, {dir, holdMs: 1234})
    expect(seen.holdMs).to.equal(1234)
    expect(seen.since).to.be.closeTo(Date.now(), 5_000)
  })
})
