import {UsageError} from '../errors.js'
import {profileNamePattern} from '../sync/profile-name.js'

export const switchShells = ['bash', 'zsh', 'fish'] as const
export type SwitchShell = (typeof switchShells)[number]

/** A variable to set (string) or remove (undefined) in the calling shell. */
export type ShellChanges = Array<[name: string, value: string | undefined]>

const variablePattern = /^[A-Z_][A-Z0-9_]*$/

/** Single-quoted for sh/bash/zsh: only `'` needs care. */
export function posixQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`
}

/** Single-quoted for fish: `\` and `'` are escaped inside. */
export function fishQuote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/**
 * The lines the shell function sources after `keyless switch` (written to the file it names in
 * KEYLESS_SHELL_EXPORT_FILE): only assignments and unsets of fixed variable names, every value
 * quoted, and profile names checked against the safe pattern first — defense in depth, the file
 * is the shell's own mktemp file.
 */
export function shellExports(shell: SwitchShell, changes: ShellChanges): string {
  const lines: string[] = []
  for (const [name, value] of changes) {
    if (!variablePattern.test(name)) throw new Error(`shellExports: bad variable name ${name}`)
    if (value !== undefined && /[\0\r\n]/.test(value)) throw new UsageError(`Refusing to set ${name} to a value with a line break.`)
    if (shell === 'fish') lines.push(value === undefined ? `set -e ${name}` : `set -gx ${name} ${fishQuote(value)}`)
    else lines.push(value === undefined ? `unset ${name}` : `export ${name}=${posixQuote(value)}`)
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

/** Profile names switch writes into a shell must look like the names sync writes. */
export function assertShellSafeProfile(name: string): string {
  if (!profileNamePattern.test(name) || name.length > 256) {
    throw new UsageError(
      `Profile name "${name}" has characters switch will not put into your shell.`,
      'Use letters, digits and . _ - @ + / in profile names (keyless sync writes such names).',
    )
  }
  return name
}

export function isSwitchShell(value: string | undefined): value is SwitchShell {
  return value !== undefined && (switchShells as readonly string[]).includes(value)
}
