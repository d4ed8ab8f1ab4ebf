import {readFileSync} from 'node:fs'

/**
 * Whether a process of this host still runs. A zombie (killed, not yet reaped by its parent) does
 * not: signal 0 still reaches it, so on Linux its state in /proc decides. EPERM means it runs under
 * another user. Without /proc (macOS, BSD) signal 0 is the answer.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0)
    return state !== 'Z' && state !== 'X'
  } catch {
    return true
  }
}
