import {closeSync, openSync, writeSync} from 'node:fs'

/** Writes text on the controlling terminal (/dev/tty); false when the process has none. */
export function tellTerminal(text: string, device = '/dev/tty'): boolean {
  let fd: number | undefined
  try {
    fd = openSync(device, 'w')
    writeSync(fd, text)
    return true
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
