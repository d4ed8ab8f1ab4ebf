import {type ChildProcess, spawn} from 'node:child_process'
import {constants} from 'node:os'
import {ExitCode, KeylessError} from '../errors.js'

/** Where signals for keyless arrive (process in the CLI; an EventEmitter in tests). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown
  off(signal: NodeJS.Signals, listener: () => void): unknown
}

export interface ChildInput {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  /** Signals forwarded to the child while it runs. */
  forward: NodeJS.Signals[]
  /** Signals keyless outlives without forwarding them (the terminal already sent them to the child). */
  survive?: NodeJS.Signals[]
}

/**
 * Runs the command with inherited stdio and the given environment, forwards signals to it, and
 * resolves with its exit code: its own, or 128 + N when a signal ended it (as shells report it).
 * While the child runs, the forwarded signals do not end keyless: the child decides.
 */
export function runChild(input: ChildInput, signals: SignalSource): Promise<number> {
  return new Promise((resolve, reject) => {
    // The listeners go on before the child starts: the child can be running (and be seen running)
    // before spawn() returns, and a signal that reached keyless with no listener would end it by
    // default instead of reaching the child. A signal delivered during spawn() waits in the event
    // loop until the child is set.
    const started: {child?: ChildProcess} = {}
    const listen = (signal: NodeJS.Signals, forward: boolean) => {
      const listener = () => {
        const {child} = started
        if (forward && child && child.exitCode === null && child.signalCode === null) child.kill(signal)
      }
      signals.on(signal, listener)
      return () => signals.off(signal, listener)
    }
    const forwarders = [...input.forward.map((s) => listen(s, true)), ...(input.survive ?? []).map((s) => listen(s, false))]
    const child = spawn(input.command, input.args, {stdio: 'inherit', env: input.env})
    started.child = child
    const cleanup = () => forwarders.forEach((off) => off())
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup()
      if (error.code === 'ENOENT') {
        reject(new KeylessError(`Command not found: ${input.command}.`, {code: 'CommandNotFound', exit: 127, hint: 'Check the command name and PATH.'}))
      } else if (error.code === 'EACCES') {
        reject(new KeylessError(`Cannot run ${input.command}: permission denied.`, {code: 'CommandNotExecutable', exit: 126}))
      } else {
        reject(new KeylessError(`Cannot run ${input.command}: ${error.message}.`, {code: 'SpawnFailed', exit: ExitCode.general, cause: error}))
      }
    })
    child.once('exit', (code, signal) => {
      cleanup()
      resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1))
    })
  })
}
