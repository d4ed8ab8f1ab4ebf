import {closeSync, fstatSync, openSync, writeSync} from 'node:fs'
import {createInterface, type Interface} from 'node:readline'
import type {Readable} from 'node:stream'
import {ReadStream} from 'node:tty'

/** A place to ask a person for one line (a pasted address): the terminal, or a pipe. */
export interface LineTerminal {
  /** A person is there: a refused answer can be asked for again. A pipe gives one answer. */
  readonly interactive: boolean
  /** Writes somewhere other than stderr (stderr is not a terminal, e.g. captured by the AWS CLI). */
  readonly ownOutput: boolean
  write(text: string): void
  /** Writes the prompt (on a terminal) and resolves with the next line; undefined at the end of input or once closed. */
  ask(prompt: string): Promise<string | undefined>
  close(): void
}

interface Io {
  stdin: Readable & {isTTY?: boolean; fd?: number}
  stderr: {write(text: string): unknown; isTTY?: boolean}
  /** Opens the controlling terminal (default /dev/tty); throws when there is none. */
  openTty?: (flags: 'r' | 'w') => number
}

/**
 * The terminal to paste on: stdin when it is a terminal; stdin when it is a pipe or a file (one
 * answer, for scripts); else the controlling terminal (/dev/tty: credential-process started by a
 * tool with stdin on /dev/null); else none. Prompts go to stderr when it is a terminal, else to
 * /dev/tty when there is one.
 */
export function openLineTerminal(io: Io): LineTerminal | undefined {
  const openTty = io.openTty ?? ((flags) => openSync('/dev/tty', flags))
  const ttyWriter = (): number | undefined => {
    if (io.stderr.isTTY) return undefined
    try {
      return openTty('w')
    } catch {
      return undefined
    }
  }
  if (io.stdin.isTTY) return lineTerminal(io.stdin, true, io.stderr, ttyWriter(), false)
  if (isPipeOrFile(io.stdin.fd)) return lineTerminal(io.stdin, false, io.stderr, undefined, false)
  let fd: number
  try {
    fd = openTty('r')
  } catch {
    return undefined
  }
  return lineTerminal(new ReadStream(fd), true, io.stderr, ttyWriter(), true)
}

function isPipeOrFile(fd: number | undefined): boolean {
  if (fd === undefined) return false
  try {
    const stat = fstatSync(fd)
    return stat.isFIFO() || stat.isFile() || stat.isSocket()
  } catch {
    return false
  }
}

function lineTerminal(input: Readable, interactive: boolean, stderr: Io['stderr'], ttyOut: number | undefined, ownInput: boolean): LineTerminal {
  let rl: Interface | undefined = createInterface({input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY})
  const lines: string[] = []
  const waiting: Array<(line: string | undefined) => void> = []
  let ended = false
  rl.on('line', (line) => {
    const next = waiting.shift()
    if (next) next(line)
    else lines.push(line)
  })
  rl.on('close', () => {
    ended = true
    for (const next of waiting.splice(0)) next(undefined)
  })
  const write = (text: string) => {
    if (ttyOut === undefined) stderr.write(text)
    else {
      try {
        writeSync(ttyOut, text)
      } catch {
        stderr.write(text)
      }
    }
  }
  return {
    interactive,
    ownOutput: ttyOut !== undefined,
    write,
    ask(prompt) {
      // A pipe is not a person: no prompt (its line would not end it).
      if (interactive) write(prompt)
      if (lines.length > 0) return Promise.resolve(lines.shift())
      if (ended) return Promise.resolve(undefined)
      return new Promise((resolve) => waiting.push(resolve))
    },
    close() {
      if (!rl) return
      const r = rl
      rl = undefined
      r.close()
      input.pause()
      if (ownInput) input.destroy()
      else (input as {unref?: () => void}).unref?.()
      if (ttyOut !== undefined) {
        try {
          closeSync(ttyOut)
        } catch {
          // already closed
        }
      }
    },
  }
}
