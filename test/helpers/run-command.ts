import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Config} from '@oclif/core'
import type {AppDeps, AppDepsOptions} from '../../src/cli/command-deps.js'
import type {BaseCommand} from '../../src/cli/base-command.js'
import {bufferOutput} from './buffer-output.js'

export interface CommandRun {
  /** What run() returned (the --json document), undefined when it exited non-zero. */
  result: unknown
  /** The exit code the process would end with. */
  exit: number
  stdout: string
  stderr: string
  /** The options the command asked deps() for, per call (e.g. noLogin). */
  depsOptions: AppDepsOptions[]
}

type CommandClass = {run(argv: string[], config: Config): Promise<unknown>; prototype: BaseCommand}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
let config: Promise<Config> | undefined

/**
 * Runs a keyless command in this process, the way oclif runs it (parse, run, catch, --json),
 * through a subclass whose deps() returns `deps` (with stdout and stderr replaced by buffers) —
 * the seam BaseCommand gives. No build, no subprocess, no keychain.
 */
export async function runCommand(command: CommandClass, argv: string[], deps: Omit<AppDeps, 'stdout' | 'stderr'>, options: {tty?: boolean} = {}): Promise<CommandRun> {
  const stdout = bufferOutput(options.tty)
  const stderr = bufferOutput(options.tty)
  const depsOptions: AppDepsOptions[] = []
  // The command class with its process swapped for the fakes (statics — flags, args, id — inherited).
  const Base = command as unknown as abstract new (...args: never[]) => BaseCommand
  abstract class InProcess extends Base {
    protected override async deps(opts: AppDepsOptions = {}): Promise<AppDeps> {
      depsOptions.push(opts)
      return {...deps, stdout, stderr}
    }

    protected override streams() {
      return {stdout, stderr}
    }
  }
  config ??= Config.load(REPO_ROOT)
  try {
    const result = await (InProcess as unknown as CommandClass).run(argv, await config)
    return {result, exit: 0, stdout: stdout.text(), stderr: stderr.text(), depsOptions}
  } catch (error) {
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit
    if (exit === undefined) throw error
    return {result: undefined, exit, stdout: stdout.text(), stderr: stderr.text(), depsOptions}
  }
}
