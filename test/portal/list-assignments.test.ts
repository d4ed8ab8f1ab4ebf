import {expect} from 'chai'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assignmentCachePath, assignmentCacheTtlMs} from '../../src/portal/assignment-cache.js'
import {listAssignments, type ListAssignmentsDeps} from '../../src/portal/list-assignments.js'
import type {SsoSession} from '../../src/config/profile-types.js'
import {fakePortal, makeAccounts} from './fake-portal.js'
import {fakeClock} from '../helpers/fake-clock.js'

const corp: SsoSession = {name: 'corp', startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', scopes: []}
const lab: SsoSession = {name: 'lab/x', startUrl: 'https://d-2.awsapps.com/start', region: 'us-east-1', scopes: []}

describe('listAssignments', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-list-'))
  })
  afterEach(async () => rm(dir, {recursive: true, force: true}))

  function setup(isTTY: boolean) {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const portal = fakePortal(clock, {accounts: makeAccounts(30, 2), latencyMs: 5})
    const stderr: string[] = []
    const deps: ListAssignmentsDeps = {
      ...clock,
      stderr: {write: (t) => void stderr.push(t), isTTY},
      paths: {cacheDir: join(dir, 'cache')},
      tokens: {get: async () => ({accessToken: 't', expiresAt: 0}), invalidate: async () => undefined},
      portal: async () => portal.client,
    }
    return {clock, portal, stderr, deps}
  }

  it('discovers, caches per session for an hour, and asks again with refresh or after the TTL', async () => {
    const {clock, portal, deps} = setup(false)
    const first = await clock.run(listAssignments({sessions: [corp, lab]}, deps))
    expect(first.pairs).to.have.length(120)
    expect(first.pairs[0]).to.deep.equal({session: 'corp', accountId: '100000000000', accountName: 'acct-0', roleName: 'Role0'})
    expect(first.sources.map((s) => s.source)).to.deep.equal(['portal', 'portal'])
    const calls = portal.counts.ListAccountRoles
    const cached = await clock.run(listAssignments({sessions: [corp, lab]}, deps))
    expect(cached.sources.map((s) => s.source)).to.deep.equal(['cache', 'cache'])
    expect(cached.pairs).to.deep.equal(first.pairs)
    expect(portal.counts.ListAccountRoles).to.equal(calls)
    await clock.run(listAssignments({sessions: [corp], refresh: true}, deps))
    expect(portal.counts.ListAccountRoles).to.equal(calls + 30)
    await clock.run(clock.sleep(assignmentCacheTtlMs))
    expect((await clock.run(listAssignments({sessions: [lab]}, deps))).sources[0].source).to.equal('portal')
    // One file per session, names escaped, nothing but names and ids.
    const text = await readFile(assignmentCachePath(join(dir, 'cache'), 'lab/x'), 'utf8')
    expect(assignmentCachePath(join(dir, 'cache'), 'lab/x')).to.match(/lab%2Fx\.json$/)
    expect(Object.keys(JSON.parse(text))).to.deep.equal(['version', 'session', 'startUrl', 'fetchedAt', 'accounts'])
  })

  it('treats a corrupt cache or one for another start URL as a miss', async () => {
    const {clock, portal, deps} = setup(false)
    await clock.run(listAssignments({sessions: [corp]}, deps))
    const path = assignmentCachePath(join(dir, 'cache'), 'corp')
    await writeFile(path, '{not json')
    await clock.run(listAssignments({sessions: [corp]}, deps))
    expect(portal.counts.ListAccounts).to.equal(2)
    await clock.run(listAssignments({sessions: [{...corp, startUrl: 'https://d-9.awsapps.com/start'}]}, deps))
    expect(portal.counts.ListAccounts).to.equal(3)
  })

  it('draws a progress bar on a TTY (and clears it), nothing elsewhere', async () => {
    const tty = setup(true)
    await tty.clock.run(listAssignments({sessions: [corp]}, tty.deps))
    const drawn = tty.stderr.join('')
    expect(drawn).to.match(/Listing accounts of corp [█░]+ \d+\/30/)
    expect(drawn.endsWith('\r\x1b[2K')).to.equal(true)
    const pipe = setup(false)
    await pipe.clock.run(listAssignments({sessions: [corp]}, pipe.deps))
    expect(pipe.stderr.join('')).to.equal('')
  })
})
