import {expect} from 'chai'
import {createAdaptiveLimiter} from '../../src/portal/adaptive-limiter.js'
import {fakeClock} from '../helpers/fake-clock.js'
import {seededRandom} from '../helpers/seeded-random.js'

/** Sends `requests` through the limiter to a sliding-window server accepting `limit` per second. */
async function simulate(options: {requests: number; limit: number; latencyMs: number; maxConcurrency?: number}) {
  const clock = fakeClock(1_700_000_000_000, {timers: true})
  const limiter = createAdaptiveLimiter({maxConcurrency: options.maxConcurrency ?? 16}, {...clock, random: seededRandom(1)})
  const accepted: number[] = []
  let throttled = 0
  let maxInFlight = 0
  const rates: number[] = []
  const start = clock.now()
  const one = async () => {
    for (;;) {
      const permit = await limiter.acquire()
      maxInFlight = Math.max(maxInFlight, limiter.state().inFlight)
      const t0 = clock.now()
      await clock.sleep(options.latencyMs)
      const now = clock.now()
      const window = accepted.filter((t) => now - t < 1000)
      if (window.length >= options.limit) {
        throttled++
        permit.throttled()
        continue
      }
      accepted.push(now)
      permit.succeeded(clock.now() - t0)
      rates.push(limiter.state().rate)
      return
    }
  }
  await clock.run(Promise.all(Array.from({length: options.requests}, one)))
  return {elapsed: clock.now() - start, throttled, maxInFlight, state: limiter.state(), accepted}
}

describe('createAdaptiveLimiter', () => {
  it('runs close to a 20 req/s limit: 600 requests in about 30 s, few throttles', async () => {
    const r = await simulate({requests: 600, limit: 20, latencyMs: 20})
    expect(r.accepted).to.have.length(600)
    expect(r.elapsed / 30_000).to.be.within(0.95, 1.1)
    expect(r.throttled).to.be.below(120)
    expect(r.state.rate).to.be.within(15, 30)
  })

  it('halves its rate on a throttle (once per epoch), not below what the server accepted', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const limiter = createAdaptiveLimiter({initialRate: 100, maxRate: 1000}, clock)
    const successes: number[] = []
    for (let i = 0; i < 40; i++) {
      const p = await clock.run(limiter.acquire())
      p.succeeded(10)
      successes.push(clock.now())
    }
    const before = limiter.state().rate
    const p = await clock.run(limiter.acquire())
    const lastSecond = successes.filter((t) => clock.now() - t < 1000).length
    p.throttled()
    expect(lastSecond).to.be.greaterThan(20)
    expect(limiter.state().rate).to.equal(Math.max(before / 2, lastSecond * 0.95))
    // A second throttle in the same epoch does not cut again.
    const q = await clock.run(limiter.acquire())
    q.throttled()
    expect(limiter.state().cuts).to.equal(1)
    expect(limiter.state().throttles).to.equal(2)
  })

  it('with nothing accepted, a throttle halves the rate (down to minRate)', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const limiter = createAdaptiveLimiter({initialRate: 8, minRate: 1, epochMs: 0}, clock)
    const rates: number[] = []
    for (let i = 0; i < 5; i++) {
      const p = await clock.run(limiter.acquire())
      p.throttled()
      rates.push(limiter.state().rate)
    }
    expect(rates).to.deep.equal([4, 2, 1, 1, 1])
  })

  it('grows again after throttling stops, and paces sends 1/rate apart', async () => {
    const clock = fakeClock(1_700_000_000_000, {timers: true})
    const limiter = createAdaptiveLimiter({initialRate: 4, maxConcurrency: 1}, {...clock, random: () => 0.5})
    const sendTimes: number[] = []
    for (let i = 0; i < 4; i++) {
      const p = await clock.run(limiter.acquire())
      sendTimes.push(clock.now())
      p.succeeded(5)
    }
    // rate 4 → 5 → 6 → 7 (slow start +1 per success); gaps 1000/4, 1000/5, 1000/6.
    const gaps = sendTimes.slice(1).map((t, i) => t - sendTimes[i])
    expect(gaps.map(Math.round)).to.deep.equal([250, 200, 167])
    expect(limiter.state().rate).to.equal(8)
  })

  it('keeps concurrency between 1 and the bound, following rate × latency', async () => {
    const slow = await simulate({requests: 200, limit: 50, latencyMs: 400, maxConcurrency: 8})
    expect(slow.maxInFlight).to.be.at.most(8)
    expect(slow.maxInFlight).to.be.at.least(4)
    const fast = await simulate({requests: 100, limit: 20, latencyMs: 5, maxConcurrency: 8})
    expect(fast.maxInFlight).to.be.at.most(2)
  })

  it('without a limit it ramps up to the concurrency bound', async () => {
    const r = await simulate({requests: 1000, limit: 100_000, latencyMs: 50, maxConcurrency: 16})
    expect(r.throttled).to.equal(0)
    // 16 in flight × 20 round trips/s = 320 req/s at best; slow start gets there within a few seconds.
    expect(r.elapsed).to.be.below(8000)
  })
})
