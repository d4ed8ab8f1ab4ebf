import type {Hook} from '@oclif/core'
import {closeNames} from '../config/resolve-profile.js'

/**
 * oclif's command_not_found hook. With spaces between topic and command, oclif reads the words
 * after a command that takes no argument as part of its id (`keyless status extra` looks for
 * "status extra"): that is a command with an unexpected argument, exit 2 as for any other
 * command. Otherwise, on a terminal, @oclif/plugin-not-found asks "Did you mean …?"
 * and runs the answer; without one it said nothing useful, so there we print the suggestion as one
 * line ourselves. Exit 127 either way (what shells use for "command not found").
 */
const commandNotFound: Hook.CommandNotFound = async function (options) {
  const words = options.id.split(':')
  for (let n = words.length - 1; n > 0; n--) {
    if (!options.config.findCommand(words.slice(0, n).join(':'))) continue
    const extra = words.slice(n)
    process.stderr.write(`keyless: Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}. See --help.\n`)
    return this.exit(2)
  }
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const {default: notFound} = await import('@oclif/plugin-not-found')
    return notFound.call(this, options)
  }
  const hidden = new Set(options.config.commands.filter((c) => c.hidden).map((c) => c.id))
  const ids = options.config.commandIDs.filter((id) => !hidden.has(id))
  const typed = options.id.replaceAll(':', ' ')
  const close = closeNames(typed, ids.map((id) => id.replaceAll(':', ' ')))
  const suggestion = close.length > 0 ? ` Did you mean ${close.join(', ')}?` : ''
  process.stderr.write(`keyless: ${typed} is not a keyless command.${suggestion} Run \`keyless help\` for the list of commands.\n`)
  return this.exit(127)
}

export default commandNotFound
