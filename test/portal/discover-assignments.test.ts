import {expect} from 'chai'
import {discoverAssignments, type DiscoveryProgress} from '../../src/portal/discover-assignments.js'
import type {SsoSession} from '../../src/config/profile-types.js'
import type {AccessToken, TokenProvider} from '../../src/sso/session-types.js'
import {awsError, fakePortal, makeAccounts} from './fake-portal.js'
import {fakeClock, type FakeClock} from '../helpers/fake-clock.js'
import {KeylessError} from '../../src/errors.js'
import {seededRandom} from '../helpers/seeded-random.js'

const session: SsoSession = {name: 'corp', startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access']}

function fakeTokens(tokens: string[]): TokenProvider & {invalidated: string[]; gets: number} {
  let i = 0
  const state = {
    invalidated: [] as string[],
    gets: 0,
    async get(): Promise<AccessToken> {
      state.gets++
      return {accessToken: tokens[Math.min(i, tokens.length - 1)], expiresAt: Date.now() + 3600_000}
    },
    async invalidate(_s: SsoSession, token: AccessToken) {
      state.invalidated.push(token.accessToken)
      i++
    },
  }
  return state
}

const pairsOf = (accounts: Array<{accountId: string; roles: string[]}>) =>
  accounts.flatMap((a) => a.roles.map((r) => `${a.accountId}/${r}`)).sort()

describe('discoverAssignments', () => {
  it('finds every pair of 300 accounts through a portal that throttles ListAccountRoles at 20/s, close to the bound', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const accounts = makeAccounts(300, 3)
    const portal = fakePortal(clock, {accounts, latencyMs: 20, rolesPerSecond: 20})
    const progress: DiscoveryProgress[] = []
    const result = await clock.run(
      discoverAssignments(session, {
        ...clock,
        random: seededRandom(3),
        tokens: fakeTokens(['t1']),
        portal: async (region) => {
          expect(region).to.equal('eu-west-1')
          return portal.client
        },
        onProgress: (p) => progress.push(p),
      }),
    )
    expect(pairsOf(result.accounts)).to.deep.equal(pairsOf(accounts))
    expect(result.accounts.map((a) => a.accountName)).to.deep.equal(accounts.map((a) => a.accountName))
    expect(portal.counts.throttled).to.be.greaterThan(0)
    expect(result.stats.throttled).to.equal(portal.counts.throttled)
    // 300 calls at 20/s = 15 s; within 20 % of it.
    expect(result.stats.elapsedMs / 15_000).to.be.within(1, 1.2)
    expect(portal.counts.ListAccounts).to.equal(3)
    expect([...portal.counts.maxResults]).to.deep.equal([100])
    expect(progress.at(-1)).to.deep.equal({done: 300, total: 300, complete: true})
  })

  it('follows ListAccountRoles pages', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const accounts = makeAccounts(3, 250)
    const portal = fakePortal(clock, {accounts})
    const result = await clock.run(discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client}))
    expect(result.accounts.map((a) => a.roles.length)).to.deep.equal([250, 250, 250])
    expect(result.accounts[0].roles.slice(0, 3)).to.deep.equal(['Role0', 'Role1', 'Role2'])
    expect(portal.counts.ListAccountRoles).to.equal(9)
  })

  it('retries 5xx with backoff and loses nothing', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const accounts = makeAccounts(20, 2)
    const portal = fakePortal(clock, {accounts, fail500: 5})
    const result = await clock.run(discoverAssignments(session, {...clock, random: seededRandom(9), tokens: fakeTokens(['t']), portal: async () => portal.client}))
    expect(pairsOf(result.accounts)).to.deep.equal(pairsOf(accounts))
    expect(result.stats.retried).to.equal(5)
  })

  it('gives up on a portal that keeps failing, with a network error (exit 6)', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const portal = fakePortal(clock, {accounts: makeAccounts(2, 1), fail500: 1000})
    const error = await clock
      .run(discoverAssignments(session, {...clock, random: seededRandom(1), tokens: fakeTokens(['t']), portal: async () => portal.client}, {maxAttempts: 4}))
      .then(() => undefined, (e: unknown) => e)
    expect(error).to.have.property('exit', 6)
    expect(String((error as Error).message)).to.match(/failed after 4 attempts: InternalServerException/)
  })

  it('on 401 invalidates the token once, gets a fresh one and carries on', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const accounts = makeAccounts(30, 2)
    const portal = fakePortal(clock, {accounts, validTokens: new Set(['fresh']), latencyMs: 5})
    const tokens = fakeTokens(['stale', 'fresh'])
    const result = await clock.run(discoverAssignments(session, {...clock, tokens, portal: async () => portal.client}))
    expect(pairsOf(result.accounts)).to.deep.equal(pairsOf(accounts))
    expect(tokens.invalidated).to.deep.equal(['stale'])
  })

  it('a token rejected again after renewal means login required (exit 3)', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const portal = fakePortal(clock, {accounts: makeAccounts(3, 1), validTokens: new Set(['never'])})
    const tokens = fakeTokens(['a', 'b'])
    const error = await clock
      .run(discoverAssignments(session, {...clock, tokens, portal: async () => portal.client}))
      .then(() => undefined, (e: unknown) => e)
    expect(error).to.have.property('exit', 3)
    expect(tokens.invalidated).to.deep.equal(['a'])
  })

  it('an organization with no accounts is an empty list', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const portal = fakePortal(clock, {accounts: []})
    const result = await clock.run(discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client}))
    expect(result.accounts).to.deep.equal([])
  })
  describe('held through the split into small functions', () => {
    const start = 1_700_000_000_000
    const rejectionOf = (clock: FakeClock, work: Promise<unknown>) => clock.run(work).then(() => expect.fail('resolved'), (e: unknown) => e)

    it('counts every request, throttle and retry in the stats, with the elapsed time and the roles limiter', async () => {
      const clock = fakeClock(start, {timers: true})
      const accounts = makeAccounts(120, 1)
      const portal = fakePortal(clock, {accounts, latencyMs: 10, rolesPerSecond: 15, fail500: 3})
      const result = await clock.run(discoverAssignments(session, {...clock, random: seededRandom(5), tokens: fakeTokens(['t']), portal: async () => portal.client}))
      expect(result.stats.requests).to.equal(portal.counts.ListAccounts + portal.counts.ListAccountRoles)
      expect(portal.counts.ListAccountRoles).to.equal(120 + 3 + portal.counts.throttled)
      expect(result.stats.throttled).to.equal(portal.counts.throttled).and.to.be.greaterThan(0)
      expect(result.stats.retried).to.equal(3)
      expect(result.stats.elapsedMs).to.equal(clock.now() - start)
      // The roles limiter's state, not the ListAccounts one: it saw the throttles and cut its rate.
      expect(result.stats.limiter.throttles).to.equal(portal.counts.throttled)
      expect(result.stats.limiter.cuts).to.be.greaterThan(0)
      expect(result.stats.limiter.slowStart).to.equal(false)
      expect(result.stats.limiter.inFlight).to.equal(0)
    })

    it('keeps ListAccountRoles within the concurrency limit and ListAccounts one at a time, fetching roles while accounts are still listed', async () => {
      const clock = fakeClock(start, {timers: true})
      const portal = fakePortal(clock, {accounts: makeAccounts(250, 2), latencyMs: 400})
      const tokens = fakeTokens(['t'])
      const result = await clock.run(
        discoverAssignments(session, {...clock, random: seededRandom(2), tokens, portal: async () => portal.client}, {limiter: {maxConcurrency: 5, initialRate: 100}, pageSize: 20}),
      )
      expect(result.accounts).to.have.length(250)
      expect(portal.maxInFlight.ListAccountRoles).to.equal(5)
      expect(portal.maxInFlight.ListAccounts).to.equal(1)
      expect(portal.counts.ListAccounts).to.equal(13)
      expect([...portal.counts.maxResults]).to.deep.equal([20])
      const lastListAccounts = portal.log.findLastIndex(([, c]) => c === 'ListAccounts')
      const firstRoles = portal.log.findIndex(([, c]) => c === 'ListAccountRoles')
      expect(firstRoles).to.be.lessThan(lastListAccounts)
      // One token for every request.
      expect(tokens.gets).to.equal(1)
    })

    it('a page size is clamped to what the portal allows (1..100)', async () => {
      for (const [asked, sent] of [[0, 1], [500, 100]]) {
        const clock = fakeClock(start, {timers: true})
        const portal = fakePortal(clock, {accounts: makeAccounts(2, 1)})
        await clock.run(discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client}, {pageSize: asked}))
        expect([...portal.counts.maxResults]).to.deep.equal([sent])
      }
    })

    it('reports progress as pages and accounts arrive, complete only once ListAccounts has its last page', async () => {
      const clock = fakeClock(start, {timers: true})
      const portal = fakePortal(clock, {accounts: makeAccounts(25, 1), latencyMs: 50})
      const progress: DiscoveryProgress[] = []
      await clock.run(discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client, onProgress: (p) => progress.push(p)}, {pageSize: 10}))
      expect([...new Set(progress.map((p) => p.total))]).to.deep.equal([10, 20, 25])
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i].done).to.be.at.least(progress[i - 1].done)
        expect(progress[i].total).to.be.at.least(progress[i - 1].total)
        expect(progress[i].done).to.be.at.most(progress[i].total)
      }
      // One event per page, one per account done, one when the listing completes.
      expect(progress).to.have.length(3 + 25 + 1)
      expect(progress.filter((p) => p.complete)).to.have.length.at.least(1)
      expect(progress.findIndex((p) => p.complete)).to.equal(progress.findIndex((p) => p.total === 25 && p.complete))
      expect(progress.at(-1)).to.deep.equal({done: 25, total: 25, complete: true})
    })

    it('keeps portal order, names an account without a name by its id, keeps its email, skips an entry without an id', async () => {
      const clock = fakeClock(start, {timers: true})
      const accounts = [
        {accountId: '111111111111', accountName: 'one', emailAddress: 'one@example.com', roles: ['B', 'A']},
        {accountId: '', accountName: 'ghost', roles: ['X']},
        {accountId: '222222222222', roles: ['Admin']},
      ]
      const portal = fakePortal(clock, {accounts, latencyMs: 3})
      const result = await clock.run(discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client}))
      expect(result.accounts).to.deep.equal([
        {accountId: '111111111111', accountName: 'one', emailAddress: 'one@example.com', roles: ['B', 'A']},
        {accountId: '222222222222', accountName: '222222222222', roles: ['Admin']},
      ])
    })

    it('an account gone between the two calls (ResourceNotFound) has no roles and still counts as done', async () => {
      const clock = fakeClock(start, {timers: true})
      const portal = fakePortal(clock, {
        accounts: makeAccounts(4, 2),
        fault: (command, input) => (command === 'ListAccountRoles' && input.accountId === '100000000002' ? awsError('ResourceNotFoundException', 404) : undefined),
      })
      const progress: DiscoveryProgress[] = []
      const result = await clock.run(discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client, onProgress: (p) => progress.push(p)}))
      expect(result.accounts.map((a) => a.roles.length)).to.deep.equal([2, 2, 0, 2])
      expect(result.stats.retried).to.equal(0)
      expect(progress.at(-1)).to.deep.equal({done: 4, total: 4, complete: true})
    })

    it('a roles request refused for good fails the whole discovery with that error, once every request in flight has settled', async () => {
      const clock = fakeClock(start, {timers: true})
      const denied = awsError('AccessDeniedException', 403)
      const portal = fakePortal(clock, {
        accounts: makeAccounts(200, 1),
        latencyMs: 30,
        fault: (command, input) => (command === 'ListAccountRoles' && input.accountId === '100000000007' ? denied : undefined),
      })
      const error = await rejectionOf(clock, discoverAssignments(session, {...clock, random: seededRandom(4), tokens: fakeTokens(['t']), portal: async () => portal.client}))
      expect(error).to.equal(denied)
      expect(portal.inFlight).to.deep.equal({ListAccounts: 0, ListAccountRoles: 0})
      expect(portal.maxInFlight.ListAccountRoles).to.be.greaterThan(1)
      // The dispatcher takes no new account after the failure (those already queued, at most 64, still go).
      expect(portal.counts.ListAccountRoles).to.be.lessThan(100)
    })

    it('a ListAccounts page that fails for good fails the discovery with that error', async () => {
      const clock = fakeClock(start, {timers: true})
      const denied = awsError('AccessDeniedException', 403)
      const portal = fakePortal(clock, {
        accounts: makeAccounts(30, 1),
        latencyMs: 5,
        fault: (command, input) => (command === 'ListAccounts' && input.nextToken === '20' ? denied : undefined),
      })
      const error = await rejectionOf(clock, discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client}, {pageSize: 10}))
      expect(error).to.equal(denied)
      expect(portal.counts.ListAccounts).to.equal(3)
      expect(portal.inFlight).to.deep.equal({ListAccounts: 0, ListAccountRoles: 0})
    })

    it('backs off 5xx exponentially with full jitter, capped at 20 s', async () => {
      const clock = fakeClock(start, {timers: true})
      const portal = fakePortal(clock, {accounts: makeAccounts(1, 1), fail500: 1000})
      const error = await rejectionOf(clock, discoverAssignments(session, {...clock, random: () => 0.5, tokens: fakeTokens(['t']), portal: async () => portal.client}, {maxAttempts: 10}))
      expect(error).to.be.instanceOf(KeylessError).and.have.property('code', 'PortalUnavailable')
      expect(String((error as Error).message)).to.match(/failed after 10 attempts: InternalServerException/)
      // 0.5 × min(20 s, 200 ms × 2^attempt) for attempts 1..9; no pacing sleeps at this pace (the
      // zeros are the fake portal's latency).
      expect(clock.sleeps.filter((ms) => ms > 0)).to.deep.equal([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000])
      expect(portal.counts.ListAccountRoles).to.equal(10)
    })

    it('gives up on 5xx once nothing has succeeded for the stall timeout, before maxAttempts', async () => {
      const clock = fakeClock(start, {timers: true})
      const portal = fakePortal(clock, {accounts: makeAccounts(1, 1), fail500: 1000})
      const error = await rejectionOf(
        clock,
        discoverAssignments(session, {...clock, random: () => 0.5, tokens: fakeTokens(['t']), portal: async () => portal.client}, {maxAttempts: 100, stallTimeoutMs: 30_000}),
      )
      // 200 + 400 + … + 6400 + 10 000 + 10 000 = 32 600 ms > 30 s at the 9th failure.
      expect(String((error as Error).message)).to.match(/failed after 9 attempts/)
      expect(error).to.have.property('exit', 6)
    })

    it('a portal that throttles every request fails with Throttled (exit 6) after the stall timeout, not before', async () => {
      const clock = fakeClock(start, {timers: true})
      const portal = fakePortal(clock, {accounts: makeAccounts(3, 1), rolesPerSecond: 0, latencyMs: 5})
      const error = await rejectionOf(
        clock,
        discoverAssignments(session, {...clock, random: seededRandom(7), tokens: fakeTokens(['t']), portal: async () => portal.client}, {stallTimeoutMs: 10_000}),
      )
      expect(error).to.be.instanceOf(KeylessError).and.include({code: 'Throttled', exit: 6})
      expect(String((error as Error).message)).to.match(/kept throttling every request/)
      expect(clock.now() - start).to.be.greaterThan(10_000)
      expect(portal.counts.throttled).to.be.greaterThan(3)
    })

    it('an answer that is not from AWS (a proxy page) is a network failure, not retried', async () => {
      const clock = fakeClock(start, {timers: true})
      const proxyPage = Object.assign(new Error('Unexpected token <'), {name: 'SyntaxError', $response: {statusCode: 200, headers: {'content-type': 'text/html'}}, $metadata: {httpStatusCode: 200}})
      const portal = fakePortal(clock, {accounts: makeAccounts(2, 1), fault: (command) => (command === 'ListAccounts' ? proxyPage : undefined)})
      const error = await rejectionOf(clock, discoverAssignments(session, {...clock, tokens: fakeTokens(['t']), portal: async () => portal.client}))
      expect(error).to.have.property('exit', 6)
      expect(portal.counts.ListAccounts).to.equal(1)
    })
  })
})
