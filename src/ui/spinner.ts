import type {Output} from '../deps.js'

export interface Spinner {
  /** Replaces the waiting text. */
  update(text: string): void
  /** Stops; on a TTY the line is cleared and `final` (if any) printed. */
  stop(final?: string): void
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/**
 * A spinner on stderr while waiting. On a TTY it animates on one line; otherwise it writes the
 * text once as a plain line (and later updates as plain lines only when the text changes).
 */
export function createSpinner(out: Output, text: string): Spinner {
  if (!out.isTTY) {
    let last = text
    out.write(`${text}\n`)
    return {
      update(next) {
        if (next !== last) out.write(`${next}\n`)
        last = next
      },
      stop(final) {
        if (final) out.write(`${final}\n`)
      },
    }
  }
  let current = text
  let frame = 0
  const draw = () => out.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`)
  draw()
  const timer = setInterval(draw, 100)
  timer.unref?.()
  return {
    update(next) {
      current = next
    },
    stop(final) {
      clearInterval(timer)
      out.write('\r\x1b[2K')
      if (final) out.write(`${final}\n`)
    },
  }
}
