import {expect} from 'chai'
import {discoverAssignments, type DiscoveryProgress} from '../../src/portal/discover-assignments.js'
import type {SsoSession} from '../../src/config/profile-types.js'
import type {AccessToken, TokenProvider} from '../../src/sso/session-types.js'
import {fakePortal, makeAccounts} from './fake-portal.js'
import {fakeClock} from '../helpers/fake-clock.js'
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
})
