import {printable} from '../util/classify-aws-error.js'
import {format} from 'node:util'
import {Command, Errors, Flags, ux, type Interfaces} from '@oclif/core'
import type {Output} from '../deps.js'
import {KeylessError} from '../errors.js'
import {createAppDeps, processStreams, type AppDeps, type AppDepsOptions} from './command-deps.js'

/** oclif's FlagOutput / ArgOutput (not exported from @oclif/core). */
type Parsed = {[name: string]: unknown}

/** --debug was given before any `--` (the fallback when parsing itself failed). */
export function argvAsksDebug(argv: readonly string[]): boolean {
  const separator = argv.indexOf('--')
  return (separator === -1 ? argv : argv.slice(0, separator)).includes('--debug')
}

/**
 * Every keyless command extends this: a failure becomes one line on stderr and a deliberate exit
 * code; the stack trace only with --debug or DEBUG.
 *
 * The seam between a command and its process is `deps()` (what domain code gets: store, clients,
 * clock, env, stdout, stderr) and `streams()` (where log, logJson, logToStderr and error lines
 * go). A command builds nothing else from the process, so a test runs it in-process through a
 * subclass that returns fakes (test/helpers/run-command.ts): flags → domain call → rendering and
 * exit code, without a build or a subprocess.
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({description: 'print stack traces on errors (also DEBUG=1)', helpGroup: 'GLOBAL'}),
  }

  /** --debug as parsed; undefined until parsing succeeded. */
  private parsedDebug?: boolean

  override async parse<F extends Parsed, B extends Parsed, A extends Parsed>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const result = await super.parse(options, argv)
    this.parsedDebug = Boolean((result.flags as {debug?: boolean}).debug)
    return result
  }

  /** What the command hands to domain code: the real process, the configured store, real clients. */
  protected deps(options: AppDepsOptions = {}): Promise<AppDeps> {
    return createAppDeps(options)
  }

  /** The command's stdout and stderr (the process's). */
  protected streams(): {stdout: Output; stderr: Output} {
    return processStreams()
  }

  override log(message = '', ...args: unknown[]): void {
    if (!this.jsonEnabled()) this.streams().stdout.write(`${format(message, ...args)}\n`)
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    if (!this.jsonEnabled()) this.streams().stderr.write(`${format(message, ...args)}\n`)
  }

  override logJson(json: unknown): void {
    this.streams().stdout.write(`${ux.colorizeJson(json, {pretty: true, theme: this.config.theme?.json})}\n`)
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // Parsed flags when parsing succeeded; when the parser itself failed, the raw argv.
    const debug = Boolean(process.env.DEBUG) || (this.parsedDebug ?? argvAsksDebug(this.argv))
    const stderr = this.streams().stderr
    if (error instanceof KeylessError) {
      stderr.write(`keyless: ${error.line}\n`)
      if (debug && error.stack) stderr.write(`${error.stack}\n`)
      this.exit(error.exit)
    }
    // oclif's own parse errors (bad flag, missing arg) are usage errors: exit 2, one line.
    if (error instanceof Errors.CLIError && !(error instanceof Errors.ExitError)) {
      const exit = error.oclif?.exit
      if (exit === undefined || exit === 2 || exit === 1) {
        // oclif's parser messages span lines ("Missing 1 required arg:\nprofile  …"): fold them into one.
        const line = error.message
          .split('\n')
          .filter((l) => !/^see more help with/i.test(l.trim()))
          .map((l) => l.trim())
          .filter(Boolean)
          .join(' ')
          .replace(/\s+/g, ' ')
          .replace(/[.:]?$/, '.')
        stderr.write(`keyless: ${line} See --help.\n`)
        if (debug && error.stack) stderr.write(`${error.stack}\n`)
        this.exit(exit ?? 2)
      }
    }
    if (error instanceof Errors.ExitError) throw error
    if (!debug) {
      const message = printable(error.message?.split('\n')[0] || String(error))
      stderr.write(`keyless: ${message} (run with --debug for details)\n`)
      this.exit(1)
    }
    return super.catch(error)
  }
}
