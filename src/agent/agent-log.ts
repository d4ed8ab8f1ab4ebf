import {appendFileSync, mkdirSync, renameSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

export interface AgentLog {
  /** One line (a timestamp is added). Callers never pass a token or a credential. */
  write(line: string): void
}

/**
 * The agent's log file, rotated small: past `maxBytes` it becomes `<file>.1` (the previous `.1` is
 * dropped), so the agent never fills a disk. Mode 0600 in a 0700 directory. Writes are synchronous
 * and rare (refusals, fetches, refreshes, errors; not every served request).
 */
export function createAgentLog(file: string, options: {now: () => number; maxBytes?: number}): AgentLog {
  const maxBytes = options.maxBytes ?? 256 * 1024
  mkdirSync(dirname(file), {recursive: true, mode: 0o700})
  let size = (() => {
    try {
      return statSync(file).size
    } catch {
      return 0
    }
  })()
  return {
    write(line) {
      const text = `${new Date(options.now()).toISOString()} ${line.replace(/[\r\n]+/g, ' ')}\n`
      try {
        if (size + text.length > maxBytes) {
          renameSync(file, `${file}.1`)
          size = 0
        }
        appendFileSync(file, text, {mode: 0o600})
        size += Buffer.byteLength(text)
      } catch {
        // A log that cannot be written never stops the agent.
      }
    },
  }
}
