/**
 * The one fake clock of the tests, for domain code that takes `now` and `sleep` as deps.
 *
 * `now()` is virtual time. `advance(ms)` and `set(t)` move it by hand. `sleeps` records every
 * sleep asked for, in order. `sleep(ms)`:
 * - by default time jumps ahead by `ms` at once (after one turn of the event loop, so other work
 *   gets a chance to run first): for sequential code (a device-code poll, a retry);
 * - with `{timers: true}` it is a timer that `run(work)` fires: in time order, each once the
 *   microtasks (and I/O-free immediates) queued so far have run, until `work` settles. Concurrent
 *   sleepers then wake in the order real time would wake them (a rate limiter, parallel
 *   discovery), and seconds of backoff and pacing take milliseconds.
 */
export interface FakeClock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  advance(ms: number): void
  set(time: number): void
  readonly sleeps: number[]
  run<T>(work: Promise<T>): Promise<T>
}

export function fakeClock(start = Date.UTC(2026, 0, 1), options: {timers?: boolean} = {}): FakeClock {
  let now = start
  let seq = 0
  const sleeps: number[] = []
  const timers: Array<{at: number; seq: number; resolve: () => void}> = []
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
  return {
    now: () => now,
    sleeps,
    advance(ms) {
      now += ms
    },
    set(time) {
      now = time
    },
    async sleep(ms) {
      sleeps.push(ms)
      if (options.timers) {
        return new Promise<void>((resolve) => {
          timers.push({at: now + Math.max(0, ms), seq: seq++, resolve})
        })
      }
      now += ms
      await turn()
    },
    async run(work) {
      let finished = false
      const result = work.finally(() => {
        finished = true
      })
      result.catch(() => undefined)
      while (!finished) {
        await turn()
        if (finished) break
        if (timers.length === 0) {
          // Real I/O (a dynamic import, a file) may still be under way: give it real time.
          const waitUntil = Date.now() + 5000
          while (!finished && timers.length === 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 2))
          if (!finished && timers.length === 0) throw new Error('fake clock: deadlock (no timers, work not finished)')
          continue
        }
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
        const next = timers.shift()!
        now = Math.max(now, next.at)
        next.resolve()
      }
      return result
    },
  }
}
