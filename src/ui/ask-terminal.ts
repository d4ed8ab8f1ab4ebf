import {openSync, closeSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {ReadStream, WriteStream} from 'node:tty'
import {InterruptedError} from '../errors.js'

/**
 * Asks one line on the controlling terminal (/dev/tty), whatever stdin and stderr are: the AWS CLI
 * captures a credential_process's stderr, yet the person at the terminal must see the question.
 * Resolves undefined when the process has no terminal. Ctrl-C cancels (InterruptedError).
 */
export async function askTerminal(question: string, device = '/dev/tty'): Promise<string | undefined> {
  let readFd: number
  let writeFd: number
  try {
    readFd = openSync(device, 'r')
  } catch {
    return undefined
  }
  try {
    writeFd = openSync(device, 'w')
  } catch {
    closeSync(readFd)
    return undefined
  }
  const input = new ReadStream(readFd)
  const output = new WriteStream(writeFd)
  const rl = createInterface({input, output, terminal: true})
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('SIGINT', () => {
        output.write('\n')
        reject(new InterruptedError())
      })
      rl.once('close', () => reject(new InterruptedError()))
      rl.question(question, resolve)
    })
  } finally {
    rl.removeAllListeners('close')
    rl.close()
    input.destroy()
    output.destroy()
  }
}
