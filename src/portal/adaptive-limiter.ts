/**
 * Client-side pacing for an API with an unknown request-rate limit (the portal's ListAccountRoles:
 * 429 TooManyRequestsException beyond it). Like TCP congestion control applied to a request rate:
 *
 * - Slow start: the send rate grows by one request/s per success (doubling about every second)
 *   until the first throttle.
 * - On a throttle, at most once per `epochMs`: the rate is halved, but never below 95 % of what the
 *   server accepted during the last second — when we were throttled we were sending at least at
 *   the limit, so that is a measurement of it. Without that floor, plain halving leaves the rate
 *   oscillating between half the limit and the limit (75 % on average); with it the rate stays
 *   just around the limit, and the few requests over it are retried.
 * - After that, additive increase: (1 + 5 %) request/s per second of successes, so a limit that
 *   rises is found again.
 * - Concurrency follows the rate: enough requests in flight to sustain it at the observed latency
 *   (rate × latency × 2), between 1 and `maxConcurrency`. Halving the rate halves it.
 *
 * Sends are spaced 1/rate apart with ±20 % jitter so that retries from many clients do not line up.
 * The clock and sleep are injected (the unit tests run it on a fake clock).
 */
export interface AdaptiveLimiterOptions {
  /** Requests per second to start from (default 10). */
  initialRate?: number
  minRate?: number
  maxRate?: number
  /** Upper bound on requests in flight (default 16). */
  maxConcurrency?: number
  /** At most one rate cut per epoch (default 1000 ms, the usual rate-limit window). */
  epochMs?: number
}

export interface LimiterClock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  /** [0, 1); default Math.random. */
  random?: () => number
}

/** One granted send; report how it went exactly once. */
export interface Permit {
  succeeded(latencyMs: number): void
  throttled(): void
  /** Failed for another reason (5xx, network): no rate change, the slot is freed. */
  failed(): void
}

export interface LimiterState {
  rate: number
  concurrency: number
  inFlight: number
  slowStart: boolean
  throttles: number
  cuts: number
}

export interface AdaptiveLimiter {
  /** Waits until a request may be sent (pacing and concurrency). */
  acquire(): Promise<Permit>
  state(): LimiterState
}

export function createAdaptiveLimiter(options: AdaptiveLimiterOptions, clock: LimiterClock): AdaptiveLimiter {
  const minRate = options.minRate ?? 0.5
  const maxRate = options.maxRate ?? 1000
  const maxConcurrency = options.maxConcurrency ?? 16
  const epochMs = options.epochMs ?? 1000
  const random = clock.random ?? Math.random

  let rate = Math.min(maxRate, Math.max(minRate, options.initialRate ?? 10))
  let slowStart = true
  let lastCut = Number.NEGATIVE_INFINITY
  let nextSendAt = Number.NEGATIVE_INFINITY
  let inFlight = 0
  let latency = 0 // smoothed, ms
  let throttles = 0
  let cuts = 0
  const accepted: number[] = [] // times of recent successes (last second)
  const waiting: Array<() => void> = []
  let queue: Promise<void> = Promise.resolve()

  const concurrency = () =>
    Math.max(1, Math.min(maxConcurrency, Math.ceil((rate * Math.max(latency, 1) * 2) / 1000)))

  const acceptedLastSecond = (now: number) => {
    while (accepted.length > 0 && now - accepted[0] >= 1000) accepted.shift()
    return accepted.length
  }

  const release = () => {
    inFlight--
    while (waiting.length > 0 && inFlight < concurrency()) waiting.shift()!()
  }

  async function slot(): Promise<void> {
    while (inFlight >= concurrency()) await new Promise<void>((resolve) => waiting.push(resolve))
    const now = clock.now()
    if (nextSendAt > now) await clock.sleep(nextSendAt - now)
    // Concurrency may have dropped while we slept.
    while (inFlight >= concurrency()) await new Promise<void>((resolve) => waiting.push(resolve))
    const sentAt = clock.now()
    const jitter = 0.8 + 0.4 * random()
    nextSendAt = Math.max(sentAt, nextSendAt) + (1000 / rate) * jitter
    inFlight++
  }

  function permit(): Permit {
    let done = false
    const once = (fn: () => void) => () => {
      if (done) return
      done = true
      fn()
      release()
    }
    return {
      succeeded: (latencyMs: number) =>
        once(() => {
          const now = clock.now()
          accepted.push(now)
          acceptedLastSecond(now)
          latency = latency === 0 ? latencyMs : latency * 0.8 + latencyMs * 0.2
          const grown = slowStart ? rate + 1 : rate + (0.25 + 0.05 * rate) / rate
          // Grow only up to twice what is really being accepted (as the AWS SDK's adaptive mode),
          // so a rate the concurrency bound keeps us from using does not pile up.
          const ceiling = Math.max(2 * acceptedLastSecond(now), 10)
          if (rate < ceiling) rate = Math.min(maxRate, grown, ceiling)
        })(),
      throttled: () =>
        once(() => {
          throttles++
          const now = clock.now()
          slowStart = false
          if (now - lastCut < epochMs) return
          lastCut = now
          cuts++
          const measured = acceptedLastSecond(now)
          rate = Math.max(minRate, rate / 2, measured * 0.95)
          // The next sends wait for the new pace.
          nextSendAt = Math.max(nextSendAt, now + 1000 / rate)
        })(),
      failed: () => once(() => undefined)(),
    }
  }

  return {
    acquire() {
      // One caller at a time through the pacing, in arrival order.
      const turn = queue.then(slot)
      queue = turn.catch(() => undefined)
      return turn.then(permit)
    },
    state: () => ({rate, concurrency: concurrency(), inFlight, slowStart, throttles, cuts}),
  }
}
