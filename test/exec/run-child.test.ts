import {existsSync} from 'node:fs'
import {EventEmitter} from 'node:events'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {KeylessError} from '../../src/errors.js'
import {runChild} from '../../src/exec/run-child.js'

const signals = () => {
  const emitter = new EventEmitter()
  return Object.assign(emitter, {
    on: (s: NodeJS.Signals, l: () => void) => emitter.addListener(s, l),
    off: (s: NodeJS.Signals, l: () => void) => emitter.removeListener(s, l),
  })
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await readFile(path, 'utf8').then((t) => t.includes('ready'), () => false)) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${path} never said ready`)
}

describe('runChild', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-run-child-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('passes the exit code through', async () => {
    expect(await runChild({command: 'sh', args: ['-c', 'exit 7'], env: {PATH: process.env.PATH}, forward: []}, signals())).to.equal(7)
    expect(await runChild({command: 'true', args: [], env: {PATH: process.env.PATH}, forward: []}, signals())).to.equal(0)
  })

  it('gives the child exactly the environment it was handed', async () => {
    const out = join(dir, 'env')
    await runChild({command: 'sh', args: ['-c', `env > ${out}`], env: {PATH: process.env.PATH, ONLY: 'this'}, forward: []}, signals())
    const lines = (await readFile(out, 'utf8')).split('\n').filter((l) => !/^(PWD|SHLVL|_)=/.test(l) && l)
    expect(lines.sort()).to.deep.equal([`PATH=${process.env.PATH}`, 'ONLY=this'].sort())
  })

  it('reports 128+N when a signal ends the child', async () => {
    expect(await runChild({command: 'sh', args: ['-c', 'kill -TERM $$'], env: {PATH: process.env.PATH}, forward: []}, signals())).to.equal(143)
    expect(await runChild({command: 'sh', args: ['-c', 'kill -KILL $$'], env: {PATH: process.env.PATH}, forward: []}, signals())).to.equal(137)
  })

  for (const [signal, code] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    it(`forwards ${signal} and lets the child decide how to end`, async () => {
      const marker = join(dir, 'marker')
      const source = signals()
      const script = `trap 'echo got-${signal} >> ${marker}; exit ${40 + code}' ${signal.slice(3)}; echo ready > ${marker}; while :; do sleep 0.05; done`
      const running = runChild({command: 'sh', args: ['-c', script], env: {PATH: process.env.PATH}, forward: ['SIGINT', 'SIGTERM', 'SIGHUP']}, source)
      await waitFor(marker)
      source.emit(signal)
      expect(await running).to.equal(40 + code)
      expect(await readFile(marker, 'utf8')).to.include(`got-${signal}`)
      expect(source.listenerCount(signal)).to.equal(0)
    })
  }

  it('listens before the child starts, so a signal sent once the child is seen running reaches it', async () => {
    // The child writes its marker as soon as it runs. Registering a listener waits (synchronously,
    // as spawn would be) up to 400 ms for that marker: had the child been started first, the
    // marker appears in that time and the order is caught.
    const marker = join(dir, 'started')
    let sawChildBeforeListening = false
    let registrations = 0
    const source = signals()
    const on = source.on
    source.on = (s: NodeJS.Signals, l: () => void) => {
      registrations++
      const until = Date.now() + 400
      while (!sawChildBeforeListening && Date.now() < until) {
        sawChildBeforeListening = existsSync(marker)
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
      }
      return on(s, l)
    }
    const running = runChild({command: 'sh', args: ['-c', `: > ${marker}; exit 0`], env: {PATH: process.env.PATH}, forward: ['SIGTERM']}, source)
    expect(await running).to.equal(0)
    expect(registrations, 'the listener went through the patched on()').to.equal(1)
    expect(sawChildBeforeListening).to.equal(false)
  })

  it('survives a signal it does not forward (the terminal already delivered it)', async () => {
    const marker = join(dir, 'marker')
    const source = signals()
    const running = runChild({command: 'sh', args: ['-c', `echo ready > ${marker}; sleep 0.3; exit 3`], env: {PATH: process.env.PATH}, forward: [], survive: ['SIGINT']}, source)
    await waitFor(marker)
    expect(source.listenerCount('SIGINT')).to.equal(1)
    source.emit('SIGINT')
    expect(await running).to.equal(3)
    expect(source.listenerCount('SIGINT')).to.equal(0)
  })

  it('says so when the command does not exist (exit 127)', async () => {
    let error: unknown
    await runChild({command: 'no-such-command-keyless', args: [], env: {PATH: process.env.PATH}, forward: []}, signals()).catch((e: unknown) => (error = e))
    expect(error).to.be.instanceOf(KeylessError)
    expect((error as KeylessError).exit).to.equal(127)
    expect((error as KeylessError).message).to.equal('Command not found: no-such-command-keyless.')
  })
})
