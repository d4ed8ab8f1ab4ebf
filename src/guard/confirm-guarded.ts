import type {Output} from '../deps.js'
import {ExitCode, KeylessError} from '../errors.js'
import {alarm, colorEnabled, danger, guardMarker} from './guard-style.js'

/** The guarded account a command is about to use. */
export interface GuardTarget {
  profileName: string
  accountName?: string
  accountId?: string
  roleName?: string
}

export interface ConfirmGuardedDeps {
  stderr: Output
  /** stdin and stderr are a terminal (a person can answer). */
  isInteractive: boolean | (() => boolean)
  /** For NO_COLOR / TERM=dumb. */
  env?: NodeJS.ProcessEnv
  /**
   * Shows `message` and answers whether the person typed `expected`. Default: a prompt on the
   * terminal (stderr + stdin).
   */
  prompt?: (message: string, expected: string) => Promise<boolean>
}

/** Refused without a terminal and without --yes. Exit 2: the fix is a flag, and AWS did not deny anything (that is 4). */
export class ConfirmationRequiredError extends KeylessError {
  constructor(target: GuardTarget, command: string) {
    super(`${describe(target)} is guarded (production) and there is no terminal to confirm on.`, {
      code: 'ConfirmationRequired',
      exit: ExitCode.usage,
      hint: `Pass --yes to ${command} if you mean it.`,
    })
  }
}

/** The person did not type the name. Exit 130, like a cancelled prompt. */
export class NotConfirmedError extends KeylessError {
  constructor(target: GuardTarget) {
    super(`Not confirmed: nothing was done with ${describe(target)}.`, {code: 'NotConfirmed', exit: ExitCode.interrupted})
  }
}

function describe(target: GuardTarget): string {
  const account = target.accountName ?? target.accountId
  return account ? `Account ${account}${target.accountName && target.accountId ? ` (${target.accountId})` : ''}` : `Profile ${target.profileName}`
}

/** The name the person types to confirm: the account name, else the profile name. */
export function confirmationWord(target: GuardTarget): string {
  return target.accountName ?? target.profileName
}

/** The banner (several lines, on stderr): the marker, account name and id, role, profile. */
export function guardBanner(target: GuardTarget, color: boolean): string {
  const rows: Array<[string, string]> = [
    ['account', [target.accountName, target.accountId].filter(Boolean).join('  ') || '(unknown)'],
    ['role', target.roleName ?? '(unknown)'],
    ['profile', target.profileName],
  ]
  return [
    '',
    `  ${alarm(` ${guardMarker} `, color)}  ${danger('guarded account: production', color)}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(8)} ${label === 'account' ? danger(value, color) : value}`),
    '',
    '',
  ].join('\n')
}

/**
 * Asks before `command` (exec, switch, console) uses a guarded profile. --yes passes (with a note on
 * stderr, so logs show it). On a terminal: the banner, then the person must type the account name
 * (default: no). Without a terminal: refused (ConfirmationRequiredError, exit 2).
 */
export async function confirmGuarded(
  target: GuardTarget,
  deps: ConfirmGuardedDeps,
  options: {yes: boolean; command?: string},
): Promise<void> {
  const command = options.command ?? 'the command'
  if (options.yes) {
    deps.stderr.write(`keyless: ${guardMarker} ${describe(target)}, role ${target.roleName ?? '?'}: going ahead (--yes).\n`)
    return
  }
  const interactive = typeof deps.isInteractive === 'function' ? deps.isInteractive() : deps.isInteractive
  if (!interactive) throw new ConfirmationRequiredError(target, command)
  const color = colorEnabled(deps.stderr, deps.env)
  deps.stderr.write(guardBanner(target, color))
  const word = confirmationWord(target)
  const prompt = deps.prompt ?? (await import('./ask-on-terminal.js')).askOnTerminal
  const ok = await prompt(`Type ${word} to continue (anything else cancels):`, word)
  if (!ok) throw new NotConfirmedError(target)
}
