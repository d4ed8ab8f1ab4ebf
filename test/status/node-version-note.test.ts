import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {NOTE_WINDOW_MS, SDK_NODE_CUTOFF, nodeVersionNote} from '../../src/status/node-version-note.js'

const day = 86_400_000

describe('the Node.js version note of status', () => {
  let cacheDir: string
  let t: number
  const deps = () => ({now: () => t, paths: {cacheDir}})
  beforeEach(async () => {
    cacheDir = join(await mkdtemp(join(tmpdir(), 'keyless-node-note-')), 'keyless')
    t = Date.UTC(2026, 11, 1, 9) // 2026-12-01: a month before the SDK's cut-off
  })
  afterEach(() => rm(join(cacheDir, '..'), {recursive: true, force: true}))

  it('is said on Node 20 near the cut-off, then not again for a week, then again', async () => {
    const first = await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())
    expect(first.supported).to.equal(false)
    expect(first.note).to.include('Node.js v20.19.0').and.include('Node.js 22').and.include('January 2027')
    expect(Number(await readFile(join(cacheDir, 'node-version-note'), 'utf8'))).to.equal(t)
    for (const later of [1, 60_000, 3 * day, 7 * day - 1]) {
      const again = await nodeVersionNote({nodeVersion: 'v20.19.0'}, {now: () => t + later, paths: {cacheDir}})
      expect(again, `after ${later} ms`).to.deep.equal({version: 'v20.19.0', supported: false})
    }
    t += 7 * day
    expect((await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())).note).to.include('Node.js 22')
    expect((await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())).note).to.equal(undefined)
  })

  it('is not said earlier than 90 days before the cut-off, and never on Node 22 or later', async () => {
    t = SDK_NODE_CUTOFF - NOTE_WINDOW_MS - 1
    expect(await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())).to.deep.equal({version: 'v20.19.0', supported: false})
    t = SDK_NODE_CUTOFF - NOTE_WINDOW_MS
    expect((await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())).note).to.be.a('string')
    t = Date.UTC(2026, 11, 1)
    expect(await nodeVersionNote({nodeVersion: 'v22.12.0'}, deps())).to.deep.equal({version: 'v22.12.0', supported: true})
    expect(await nodeVersionNote({nodeVersion: 'v24.0.0'}, deps())).to.deep.equal({version: 'v24.0.0', supported: true})
  })

  it('a stamp from the future (a clock set back) or an unreadable one does not silence it', async () => {
    const {writeFile, mkdir} = await import('node:fs/promises')
    await mkdir(cacheDir, {recursive: true})
    await writeFile(join(cacheDir, 'node-version-note'), `${t + 30 * day}\n`)
    expect((await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())).note).to.be.a('string')
    await writeFile(join(cacheDir, 'node-version-note'), 'garbage')
    t += day
    expect((await nodeVersionNote({nodeVersion: 'v20.19.0'}, deps())).note).to.be.a('string')
  })
})
