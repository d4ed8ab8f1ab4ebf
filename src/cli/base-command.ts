import {Command, Errors} from '@oclif/core'
import {KeylessError} from '../errors.js'

/**
 * Every keyless command extends this: a failure becomes one line on stderr and a deliberate exit
 * code; the stack trace only with --debug or DEBUG.
 */
export abstract class BaseCommand extends Command {
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    const debug = Boolean(process.env.DEBUG) || this.argv.includes('--debug')
    if (error instanceof KeylessError) {
      process.stderr.write(`keyless: ${error.line}\n`)
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`)
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
        process.stderr.write(`keyless: ${line} See --help.\n`)
        if (debug && error.stack) process.stderr.write(`${error.stack}\n`)
        this.exit(exit ?? 2)
      }
    }
    if (error instanceof Errors.ExitError) throw error
    if (!debug) {
      const message = error.message?.split('\n')[0] || String(error)
      process.stderr.write(`keyless: ${message} (run with --debug for details)\n`)
      this.exit(1)
    }
    return super.catch(error)
  }
}
