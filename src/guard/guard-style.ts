import type {Output} from '../deps.js'

/** The text marker a guarded entry always carries, so it shows without color (NO_COLOR, logs, screen readers). */
export const guardMarker = '!! PRODUCTION !!'

/** Short badge for lists (status, the picker). */
export const guardBadge = '[PROD]'

/**
 * Color only on a terminal, unless asked with FORCE_COLOR (non-empty, not 0/false; for CI logs
 * that render it), and never when NO_COLOR is set (https://no-color.org).
 */
export function colorEnabled(out: Pick<Output, 'isTTY'>, env: NodeJS.ProcessEnv = {}): boolean {
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true
  return Boolean(out.isTTY) && env.TERM !== 'dumb'
}

/** `text` in bold red when `color`, unchanged otherwise. */
export function danger(text: string, color: boolean): string {
  return color ? `\x1b[1;31m${text}\x1b[0m` : text
}

/** White on red, bold, when `color`. */
export function alarm(text: string, color: boolean): string {
  return color ? `\x1b[1;97;41m${text}\x1b[0m` : text
}

/** The badge for a guarded entry in a list: `[PROD]`, red and bold on a color terminal. */
export function formatGuardBadge(color: boolean): string {
  return danger(guardBadge, color)
}
