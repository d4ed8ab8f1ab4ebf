/** What setFault configures for one operation. */
export interface Fault {
  latencyMs?: number
  /** The next N requests fail with failStatus. */
  failNext?: number
  /** Default 500. */
  failStatus?: number
  /** Requests beyond this many per second are throttled. */
  ratePerSecond?: number
}

export type FaultDecision = {kind: 'ok'} | {kind: 'fail'; status: number} | {kind: 'throttle'}

/** Counters per operation (and per key) and the faults tests inject. */
export class FaultInjector {
  private readonly counters = new Map<string, number>()
  private readonly faults = new Map<string, Fault>()
  private readonly recent = new Map<string, number[]>()

  constructor(private readonly monotonic: () => number = () => performance.now()) {}

  count(op: string, key?: string): number {
    return this.counters.get(key === undefined ? op : `${op}\u0000${key}`) ?? 0
  }

  increment(op: string, key?: string): void {
    this.counters.set(op, (this.counters.get(op) ?? 0) + 1)
    if (key !== undefined) {
      const k = `${op}\u0000${key}`
      this.counters.set(k, (this.counters.get(k) ?? 0) + 1)
    }
  }

  resetCounters(): void {
    this.counters.clear()
  }

  setFault(op: string, fault: Fault): void {
    this.faults.set(op, {...fault})
    this.recent.delete(op)
  }

  clearFaults(): void {
    this.faults.clear()
    this.recent.clear()
  }

  latency(op: string): number {
    return this.faults.get(op)?.latencyMs ?? 0
  }

  /** Decides what happens to one request of `op` (consumes failNext, records the rate window). */
  decide(op: string): FaultDecision {
    const fault = this.faults.get(op)
    if (!fault) return {kind: 'ok'}
    if (fault.failNext && fault.failNext > 0) {
      fault.failNext--
      return {kind: 'fail', status: fault.failStatus ?? 500}
    }
    if (fault.ratePerSecond !== undefined) {
      const now = this.monotonic()
      const window = (this.recent.get(op) ?? []).filter((t) => now - t < 1000)
      if (window.length >= fault.ratePerSecond) {
        this.recent.set(op, window)
        return {kind: 'throttle'}
      }
      window.push(now)
      this.recent.set(op, window)
    }
    return {kind: 'ok'}
  }
}
