/**
 * A word for a POSIX shell command line shown to the user (suggested commands, Undo: lines): as it is
 * when it holds only characters no shell treats specially, otherwise single-quoted (`'` as `'\''`).
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./@+:=,%~-]+$/.test(value) && !value.startsWith('=')) return value
  return `'${value.replaceAll("'", "'\\''")}'`
}
