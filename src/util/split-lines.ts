/** A text as lines: each line without its terminator, and the terminator beside it. */
export interface SplitText {
  lines: string[]
  /** Each line's terminator: '\n', '\r\n', or '' for a last line without one. */
  terminators: string[]
}

/**
 * The one line splitter (config files, shell start-up files, diffs): LF and CRLF endings kept
 * apart, so a file can be put back together byte for byte. A final terminator does not start an
 * empty line: "a\n" is one line, "" none.
 */
export function splitLines(text: string): SplitText {
  const lines: string[] = []
  const terminators: string[] = []
  let pos = 0
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos)
    if (nl === -1) {
      lines.push(text.slice(pos))
      terminators.push('')
      break
    }
    const crlf = nl > pos && text[nl - 1] === '\r'
    lines.push(text.slice(pos, crlf ? nl - 1 : nl))
    terminators.push(crlf ? '\r\n' : '\n')
    pos = nl + 1
  }
  return {lines, terminators}
}
