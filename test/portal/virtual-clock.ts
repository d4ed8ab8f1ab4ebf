/**
 * Virtual time for async code: `sleep` registers a timer; `run(promise)` fires timers in time order,
 * each after the microtasks (and I/O-free immediates) queued so far have run, until the promise
 * settles. Seconds of backoff and pacing take milliseconds of real time.
 */
export interface VirtualClock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  run<T>(work: Promise<T>): Promise<T>
}

export function createVirtualClock(start = 1_700_000_000_000): VirtualClock {
  let now = start
  let seq = 0
  const timers: Array<{at: number; seq: number; resolve: () => void}> = []
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve))
  return {
    now: () => now,
    sleep(ms) {
      return new Promise<void>((resolve) => {
        timers.push({at: now + Math.max(0, ms), seq: seq++, resolve})
      })
    },
    async run(work) {
      let finished = false
      const result = work.finally(() => {
        finished = true
      })
      result.catch(() => undefined)
      while (!finished) {
        await settle()
        if (finished) break
        if (timers.length === 0) {
          // Real I/O (a dynamic import, a file) may still be under way: give it real time.
          const waitUntil = Date.now() + 5000
          while (!finished && timers.length === 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 2))
          if (!finished && timers.length === 0) throw new Error('virtual clock: deadlock (no timers, work not finished)')
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

/** A deterministic [0, 1) generator. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}
