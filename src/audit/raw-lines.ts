import {createHash} from 'node:crypto'

/** The text as lines that keep their terminators (`\n`, `\r\n`, or none for a last line without one); join('') gives it back. */
export function rawLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

/** The digest `--restore` checks to know the file is exactly as `--fix` left it. */
export function textHash(text: string | undefined): string {
  return text === undefined ? 'missing' : createHash('sha256').update(text, 'utf8').digest('hex')
}

/** A line's terminator. */
export function terminatorOf(line: string): string {
  return line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : ''
}

/**
 * Makes a run of new lines fit where it goes: every line but the last ends with a terminator (`eol`
 * when it had none); the last one ends as `lastTerminator` says (`keep`: as it is, `eol`: add one if
 * missing, `none`: the file had no final newline, so neither does it now).
 */
export function fitLines(lines: string[], eol: string, last: 'keep' | 'eol' | 'none'): string[] {
  return lines.map((line, i) => {
    const bare = line.slice(0, line.length - terminatorOf(line).length)
    if (i < lines.length - 1) return terminatorOf(line) ? line : bare + eol
    if (last === 'none') return bare
    if (last === 'eol') return terminatorOf(line) ? line : bare + eol
    return line
  })
}
