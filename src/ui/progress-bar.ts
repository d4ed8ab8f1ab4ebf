import type {Output} from '../deps.js'

export interface ProgressBar {
  update(done: number, total: number, totalKnown?: boolean): void
  /** Clears the bar (TTY) or writes `final` as a line. */
  stop(final?: string): void
}

/**
 * A one-line progress bar on stderr for long discoveries, redrawn at most every 100 ms. Only on a
 * TTY; elsewhere it stays silent except for the final line (logs and pipes get no control codes).
 */
export function createProgressBar(out: Output, label: string, now: () => number): ProgressBar {
  if (!out.isTTY) {
    return {
      update: () => undefined,
      stop: (final) => {
        if (final) out.write(`${final}\n`)
      },
    }
  }
  let last = Number.NEGATIVE_INFINITY
  let drawn = false
  return {
    update(done, total, totalKnown = true) {
      const t = now()
      if (t - last < 100 && done < total) return
      last = t
      const width = 24
      const ratio = total > 0 ? Math.min(1, done / total) : 0
      const filled = Math.round(ratio * width)
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
      out.write(`\r\x1b[2K${label} ${bar} ${done}/${total}${totalKnown ? '' : '+'}`)
      drawn = true
    },
    stop(final) {
      if (drawn) out.write('\r\x1b[2K')
      if (final) out.write(`${final}\n`)
    },
  }
}
