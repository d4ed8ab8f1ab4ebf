import {packageFinder} from './fzf-package.js'
import {createScratch, fuzzyScore, isAsciiText, maxScoreFor, prepareText, type PreparedText} from '../util/fuzzy-score.js'

/** One ranked match. */
export interface FuzzyMatch<T> {
  item: T
  /** The fzf score (sum over the query's terms); 0 for an empty query. */
  score: number
  /** Position in the list given to createFuzzyIndex. */
  index: number
}

export interface FuzzySearchResult<T> {
  /** The best `limit` matches: score, then `rank`, then shorter text, then list order. */
  matches: FuzzyMatch<T>[]
  /** How many items matched in all. */
  total: number
}

export interface FuzzyIndex<T> {
  search(query: string, limit?: number): FuzzySearchResult<T>
}

export interface FuzzyIndexOptions<T> {
  /** The text an item is matched on. */
  text: (item: T) => string
  /** Higher first among equal scores (frecency). */
  rank?: (item: T) => number
}

/** Longer texts and terms go through the package (its DP falls back to v1 above 100 Ki cells). */
const maxTextLength = 1024
const maxTermLength = 100
const cachedTerms = 16

// Per-term cache values besides a score (>= 0).
const unknown = -9
const noMatch = -1
const matchedUnscored = -5

interface Term {
  codes: Uint8Array
  caseSensitive: boolean
  /** Lower-cased term (case-insensitive) or the term itself, for the indexOf pre-check. */
  probe: string
  /** The highest score the term can reach in any text. */
  best: number
  /** Per tie-break position: a score, noMatch, matchedUnscored or unknown. */
  scores: Int32Array
}

/**
 * fzf-style fuzzy search over a fixed list, fast enough for every keystroke of a picker over tens of
 * thousands of items. The query syntax is fzf's extended mode: space-separated terms that must all
 * match (smart case per term); `'exact`, `^prefix`, `suffix$`, `!not` and `a | b` are handed to the
 * `fzf` package itself. Plain terms are scored with the package's v2 algorithm re-implemented
 * without allocation (fuzzy-score.ts), and three shortcuts keep a keystroke cheap:
 * - items are visited in tie-break order, so one that cannot beat the current `limit`-th match even
 *   with the best possible score is only checked for a match, not scored;
 * - a query that extends the previous one only looks at the previous matches;
 * - each term's scores are kept, so typing "prod adm" scores only "adm".
 */
export function createFuzzyIndex<T>(items: readonly T[], options: FuzzyIndexOptions<T>): FuzzyIndex<T> {
  const n = items.length
  const rawTexts = items.map((item) => options.text(item).normalize())
  const rawRanks = items.map((item) => options.rank?.(item) ?? 0)
  // Position = tie-break order: rank (frecency) first, then shorter text, then list order.
  const order = Int32Array.from(items.keys()).sort(
    (a, b) => rawRanks[b] - rawRanks[a] || rawTexts[a].length - rawTexts[b].length || a - b,
  )
  const texts = Array.from(order, (i) => rawTexts[i])
  const prepared: Array<PreparedText | undefined> = texts.map((t) =>
    isAsciiText(t) && t.length <= maxTextLength ? prepareText(t) : undefined,
  )
  const slowPositions = prepared.flatMap((p, pos) => (p ? [] : [pos]))
  const scratch = createScratch()
  const termCache = new Map<string, Term>()
  let packageFzf: ReturnType<typeof packageFinder<number>> | undefined
  // Matches of the previous query (positions, ascending), in one of two buffers used in turn, so a
  // keystroke allocates almost nothing (no GC pause in the middle of typing).
  const buffers = [new Int32Array(n), new Int32Array(n)]
  let previous: {words: string[]; matches: Int32Array; buffer: number} | undefined

  // Warm the scorer up on a slice of the real texts, in both case modes and both code paths
  // (one character, several): the first keystrokes otherwise run unoptimized code.
  const warm = prepared.filter((p): p is PreparedText => p !== undefined).slice(0, 400)
  for (const [pattern, caseSensitive] of [['a', false], ['es', false], ['A', true], ['Ac', true]] as const) {
    const codes = Uint8Array.from(pattern, (c) => c.charCodeAt(0))
    for (const text of warm) fuzzyScore(text, codes, caseSensitive, scratch)
  }

  const result = (top: Array<{pos: number; score: number}>, total: number): FuzzySearchResult<T> => ({
    matches: top.map(({pos, score}) => ({item: items[order[pos]], score, index: order[pos]})),
    total,
  })

  function termFor(word: string): Term {
    let term = termCache.get(word)
    if (term) termCache.delete(word)
    else {
      term = toTerm(word, n)
      if (termCache.size >= cachedTerms) termCache.delete(termCache.keys().next().value as string)
    }
    termCache.set(word, term)
    return term
  }

  function scoreOf(term: Term, pos: number, text: PreparedText): number {
    let s = term.scores[pos]
    if (s === unknown || s === matchedUnscored) {
      s = fuzzyScore(text, term.codes, term.caseSensitive, scratch)
      term.scores[pos] = s
    }
    return s
  }

  function matches(term: Term, pos: number, text: PreparedText): boolean {
    let s = term.scores[pos]
    if (s === unknown) {
      s = subsequence(term.caseSensitive ? texts[pos] : text.lowerText, term.probe) ? matchedUnscored : noMatch
      term.scores[pos] = s
    }
    return s !== noMatch
  }

  function searchWithPackage(query: string, limit: number): FuzzySearchResult<T> {
    packageFzf ??= packageFinder(Array.from(order.keys()), (pos) => texts[pos])
    const found = packageFzf.find(query).map((r) => ({pos: r.item, score: r.score}))
    found.sort((a, b) => b.score - a.score || a.pos - b.pos)
    return result(found.slice(0, limit), found.length)
  }

  function search(query: string, limit = 50): FuzzySearchResult<T> {
    const trimmed = query.trim()
    if (trimmed === '') {
      previous = undefined
      return result(
        Array.from({length: Math.min(limit, n)}, (_, pos) => ({pos, score: 0})),
        n,
      )
    }
    const words = trimmed.split(/ +/)
    if (!words.every(isPlainTerm) || words.some((w) => w.length > maxTermLength)) {
      previous = undefined
      return searchWithPackage(trimmed, limit)
    }
    const terms = words.map(termFor)
    const best = terms.reduce((sum, t) => sum + t.best, 0)
    // Extending the terms of the previous query (or adding terms) can only narrow the matches.
    const narrowing =
      previous !== undefined && previous.words.length <= words.length && previous.words.every((p, i) => words[i].startsWith(p))
    const candidates = narrowing ? previous!.matches : undefined
    const count = candidates ? candidates.length : n
    const buffer = previous && narrowing ? 1 - previous.buffer : 0
    const out = buffers[buffer]
    let matchedCount = 0
    const top: Array<{pos: number; score: number}> = []
    for (let k = 0; k < count; k++) {
      const pos = candidates ? candidates[k] : k
      const text = prepared[pos]
      if (!text) continue
      let all = true
      for (const term of terms) {
        if (!matches(term, pos, text)) {
          all = false
          break
        }
      }
      if (!all) continue
      out[matchedCount++] = pos
      // Positions only grow, so an equal score loses to what is already in `top`.
      if (top.length === limit && best <= top[limit - 1].score) continue
      let score = 0
      for (const term of terms) score += scoreOf(term, pos, text)
      if (top.length < limit || score > top[limit - 1].score) insertTop(top, {pos, score}, limit)
    }
    // Items the fast path does not handle (non-ASCII or very long texts) go through the package.
    let found = out.subarray(0, matchedCount)
    const slow = candidates ? Array.from(candidates).filter((pos) => !prepared[pos]) : slowPositions
    if (slow.length > 0) {
      const allowed = new Set(slow)
      const extra: number[] = []
      for (const r of packageFinder(slow, (pos) => texts[pos]).find(trimmed)) {
        if (!allowed.has(r.item)) continue
        extra.push(r.item)
        insertTop(top, {pos: r.item, score: r.score}, limit)
      }
      if (extra.length > 0) found = Int32Array.from([...found, ...extra]).sort()
    }
    previous = {words, matches: found, buffer}
    return result(top, found.length)
  }

  return {search}
}

/** Inserts into `top` (score desc, position asc), keeping at most `limit`. */
function insertTop(top: Array<{pos: number; score: number}>, entry: {pos: number; score: number}, limit: number): void {
  let lo = 0
  let hi = top.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const m = top[mid]
    if (m.score > entry.score || (m.score === entry.score && m.pos < entry.pos)) lo = mid + 1
    else hi = mid
  }
  if (lo >= limit) return
  top.splice(lo, 0, entry)
  if (top.length > limit) top.pop()
}

function isPlainTerm(word: string): boolean {
  if (word === '|' || word.includes('\\')) return false
  if (word.startsWith('!') || word.startsWith("'") || word.startsWith('^')) return false
  if (word !== '$' && word.endsWith('$')) return false
  return true
}

function toTerm(word: string, size: number): Term {
  const caseSensitive = word.toLowerCase() !== word
  const text = caseSensitive ? word : word.toLowerCase()
  // A non-ASCII term never matches an ASCII text (as in the package); 0xff is never in one.
  const codes = Uint8Array.from(text, (c) => {
    const code = c.charCodeAt(0)
    return code < 128 ? code : 0xff
  })
  return {codes, caseSensitive, probe: text, best: maxScoreFor(codes.length), scores: new Int32Array(size).fill(unknown)}
}

function subsequence(text: string, probe: string): boolean {
  let at = 0
  for (let i = 0; i < probe.length; i++) {
    at = text.indexOf(probe[i], at)
    if (at < 0) return false
    at++
  }
  return true
}
