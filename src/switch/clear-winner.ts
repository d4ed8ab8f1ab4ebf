import type {FuzzyMatch} from './fuzzy-index.js'

/** The best score must lead the next one by this factor to win without a terminal. */
export const WINNER_MARGIN = 1.25

/** The words of a text: split at non-alphanumerics, and again at camelCase humps and digits. */
export function wordsOf(text: string): string[] {
  const words = new Set<string>()
  for (const part of text.split(/[^A-Za-z0-9]+/).filter(Boolean)) {
    words.add(part.toLowerCase())
    for (const hump of part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []) words.add(hump.toLowerCase())
  }
  return [...words]
}

/** Every term of the query starts a word of the text ("dev read" in workload-dev.ReadOnlyAccess). */
export function termsStartWords(query: string, text: string): boolean {
  const words = wordsOf(text)
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => words.some((w) => w.startsWith(term)))
}

/**
 * The clear winner of a query's matches (best first), as fzf/zoxide users expect from a query
 * typed without a terminal to pick on, or undefined for a near-tie:
 * 1. the only match in which every query term starts a word (words split at punctuation and
 *    camelCase), or
 * 2. among those (or among all, when none qualifies), the best match when its score leads the next
 *    one by WINNER_MARGIN (25 %).
 * `matches` must hold at least the two best of all; `text` gives an item's matched text.
 */
export function clearWinner<T>(query: string, matches: ReadonlyArray<FuzzyMatch<T>>, text: (item: T) => string): T | undefined {
  if (matches.length === 0) return undefined
  if (matches.length === 1) return matches[0].item
  const worded = matches.filter((m) => termsStartWords(query, text(m.item)))
  if (worded.length === 1) return worded[0].item
  const field = worded.length > 1 ? worded : matches
  const [first, second] = field
  return first.score > 0 && first.score >= second.score * WINNER_MARGIN ? first.item : undefined
}
