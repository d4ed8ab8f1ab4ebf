import type {Hunk} from './audit-record.js'
import {rawLines} from './raw-lines.js'

export interface UndoResult {
  text: string
  /** Hunks put back. */
  undone: number
  /** Hunks whose original lines were already there (the fix never landed, or was undone before). */
  alreadyThere: number
  /** Hunks that could not be placed: the file changed around them. */
  lost: Hunk[]
}

function matchesAt(lines: string[], block: string[], at: number): boolean {
  if (at < 0 || at + block.length > lines.length) return false
  return block.every((line, i) => lines[at + i] === line)
}

/** Where `block` occurs in `lines`, nearest to `near`; -1 if nowhere. */
function findNearest(lines: string[], block: string[], near: number): number {
  let best = -1
  for (let i = 0; i + block.length <= lines.length; i++) {
    if (matchesAt(lines, block, i) && (best === -1 || Math.abs(i - near) < Math.abs(best - near))) best = i
  }
  return best
}

/**
 * Puts the original lines of `hunks` back into `text`. Each hunk's `after` lines are looked for at
 * its recorded line first, then nearest to it (the file may have changed elsewhere since the fix);
 * they are replaced by its `before` lines. Hunks go from the bottom up, so positions above stay true.
 */
export function undoHunks(text: string, hunks: Hunk[]): UndoResult {
  const lines = rawLines(text)
  const result: UndoResult = {text, undone: 0, alreadyThere: 0, lost: []}
  for (const hunk of [...hunks].sort((a, b) => b.at - a.at)) {
    const put = (at: number) => {
      lines.splice(at, hunk.after.length, ...hunk.before)
      result.undone++
    }
    if (hunk.after.length > hunk.before.length) {
      // The fix added lines (credential_process): where they are, take them out; if they are gone, nothing to do.
      const at = matchesAt(lines, hunk.after, hunk.at) ? hunk.at : findNearest(lines, hunk.after, hunk.at)
      if (at === -1) result.alreadyThere++
      else put(at)
      continue
    }
    // The fix removed lines. If they are all there, it never landed or was undone already.
    if (hunk.before.length > 0 && findNearest(lines, hunk.before, hunk.at) !== -1) {
      result.alreadyThere++
      continue
    }
    if (hunk.after.length === 0) {
      put(Math.min(hunk.at, lines.length))
      continue
    }
    const at = matchesAt(lines, hunk.after, hunk.at) ? hunk.at : findNearest(lines, hunk.after, hunk.at)
    if (at === -1) result.lost.push(hunk)
    else put(at)
  }
  result.text = lines.join('')
  return result
}
