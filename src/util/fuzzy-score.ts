/**
 * The fzf v2 score of one fuzzy term against one ASCII text, without allocating: the same numbers as
 * the `fzf` package's `fuzzyMatchV2` (itself a port of junegunn/fzf's FuzzyMatchV2), which the spec
 * test checks on random inputs. The package computes match positions and allocates per item, which
 * costs ~5 µs an item — 100 ms a keystroke over 20,000 pairs; this keeps the picker under a frame.
 *
 * Texts are prepared once (`prepareText`): lower-cased codes and the per-position bonus. Non-ASCII
 * texts are not handled here (the caller scores them with the package).
 */

const scoreMatch = 16
const scoreGapStart = -3
const scoreGapExtension = -1
const bonusBoundary = scoreMatch / 2
const bonusNonWord = scoreMatch / 2
const bonusCamel123 = bonusBoundary + scoreGapExtension
const bonusConsecutive = -(scoreGapStart + scoreGapExtension)
const bonusFirstCharMultiplier = 2
/** The highest score a term of `length` characters can reach: every character matched at a boundary. */
export function maxScoreFor(length: number): number {
  return length === 0 ? 0 : scoreMatch + bonusBoundary * bonusFirstCharMultiplier + (length - 1) * (scoreMatch + bonusBoundary)
}

/** A text ready for scoring: original codes, lower-cased codes and bonus per position. */
export interface PreparedText {
  codes: Uint8Array
  lower: Uint8Array
  bonus: Int8Array
  /** The lower-cased text, for the quick `indexOf` pre-check. */
  lowerText: string
}

const enum CharClass {
  NonWord = 0,
  Lower = 1,
  Upper = 2,
  Letter = 3,
  Number = 4,
}

function classOf(code: number): CharClass {
  if (code >= 97 && code <= 122) return CharClass.Lower
  if (code >= 65 && code <= 90) return CharClass.Upper
  if (code >= 48 && code <= 57) return CharClass.Number
  return CharClass.NonWord
}

function bonusFor(prev: CharClass, current: CharClass): number {
  if (prev === CharClass.NonWord && current !== CharClass.NonWord) return bonusBoundary
  if ((prev === CharClass.Lower && current === CharClass.Upper) || (prev !== CharClass.Number && current === CharClass.Number)) {
    return bonusCamel123
  }
  if (current === CharClass.NonWord) return bonusNonWord
  return 0
}

export function isAsciiText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text)
}

/** Prepares an ASCII text (see isAsciiText). */
export function prepareText(text: string): PreparedText {
  const n = text.length
  const codes = new Uint8Array(n)
  const lower = new Uint8Array(n)
  const bonus = new Int8Array(n)
  let prev = CharClass.NonWord
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i)
    const cls = classOf(code)
    codes[i] = code
    lower[i] = cls === CharClass.Upper ? code + 32 : code
    // The package computes the bonus from the class of the previous character, starting from
    // "non-word" where its scan starts; the scan starts just before the first match, which is
    // never a match itself, so a bonus from the true previous character is the same number.
    bonus[i] = bonusFor(prev, cls)
    prev = cls
  }
  return {codes, lower, bonus, lowerText: text.toLowerCase()}
}

/** Scratch rows reused across calls (one scorer per picker, not module state). */
export interface Scratch {
  h0: Int32Array
  c0: Int32Array
  hPrev: Int32Array
  cPrev: Int32Array
  hRow: Int32Array
  cRow: Int32Array
  f: Int32Array
}

export function createScratch(maxLength = 256, maxPattern = 64): Scratch {
  return {
    h0: new Int32Array(maxLength),
    c0: new Int32Array(maxLength),
    hPrev: new Int32Array(maxLength),
    cPrev: new Int32Array(maxLength),
    hRow: new Int32Array(maxLength),
    cRow: new Int32Array(maxLength),
    f: new Int32Array(maxPattern),
  }
}

/**
 * The v2 score of `pattern` (codes; lower-cased unless caseSensitive) in `text`, or -1 when it does
 * not match. The package switches to its v1 algorithm when text length × pattern length exceeds
 * 100 Ki cells; callers keep below that (texts ≤ 1,024, terms ≤ 100 characters).
 */
export function fuzzyScore(text: PreparedText, pattern: Uint8Array, caseSensitive: boolean, scratch: Scratch): number {
  const M = pattern.length
  if (M === 0) return 0
  const N = text.codes.length
  if (N > scratch.h0.length || M > scratch.f.length) {
    const bigger = createScratch(Math.max(N, scratch.h0.length), Math.max(M, scratch.f.length))
    Object.assign(scratch, bigger)
  }
  const T = caseSensitive ? text.codes : text.lower
  const B = text.bonus
  const {h0: H0, c0: C0, f: F} = scratch

  // asciiFuzzyIndex: every pattern character must occur in order; the scan starts one before the
  // first occurrence of the first character.
  let idx = 0
  let first = 0
  for (let p = 0; p < M; p++) {
    const want = pattern[p]
    let found = -1
    for (let i = idx; i < N; i++) {
      if (T[i] === want) {
        found = i
        break
      }
    }
    if (found < 0) return -1
    if (p === 0 && found > 0) first = found - 1
    idx = found + 1
  }

  // Phase 1: first row (scores of the first pattern character), the first occurrences F, lastIdx.
  let maxScore = 0
  let pidx = 0
  let lastIdx = 0
  const pchar0 = pattern[0]
  let pchar = pchar0
  let prevH0 = 0
  let inGap = false
  for (let col = first; col < N; col++) {
    const char = T[col]
    // The package's bonus starts from class "non-word" at `first`, which is what B holds there too
    // (unless `first` is 0, where it is the boundary bonus either way).
    const bonus = col === first ? bonusFor(CharClass.NonWord, classOfPrepared(text, col)) : B[col]
    if (char === pchar) {
      if (pidx < M) {
        F[pidx] = col
        pidx++
        pchar = pattern[Math.min(pidx, M - 1)]
      }
      lastIdx = col
    }
    if (char === pchar0) {
      const score = scoreMatch + bonus * bonusFirstCharMultiplier
      H0[col] = score
      C0[col] = 1
      if (M === 1 && score > maxScore) {
        maxScore = score
        if (bonus === bonusBoundary) break
      }
      inGap = false
    } else {
      const decayed = prevH0 + (inGap ? scoreGapExtension : scoreGapStart)
      H0[col] = decayed > 0 ? decayed : 0
      C0[col] = 0
      inGap = true
    }
    prevH0 = H0[col]
  }
  if (pidx !== M) return -1
  if (M === 1) return maxScore

  // Phase 2: the DP, one row per further pattern character, over columns F[row]..lastIdx.
  const f0 = F[0]
  let hPrev = scratch.hPrev
  let cPrev = scratch.cPrev
  let hRow = scratch.hRow
  let cRow = scratch.cRow
  for (let col = f0; col <= lastIdx; col++) {
    hPrev[col] = H0[col]
    cPrev[col] = C0[col]
  }
  for (let row = 1; row < M; row++) {
    const f = F[row]
    const pc = pattern[row]
    let gap = false
    let left = 0 // H of the previous column in this row; the package zeroes the cell before f
    for (let col = f; col <= lastIdx; col++) {
      const s2: number = left + (gap ? scoreGapExtension : scoreGapStart)
      let s1 = 0
      let consecutive = 0
      if (T[col] === pc) {
        s1 = hPrev[col - 1] + scoreMatch
        let b = B[col]
        consecutive = cPrev[col - 1] + 1
        if (b === bonusBoundary) {
          consecutive = 1
        } else if (consecutive > 1) {
          const chainStart = B[col - consecutive + 1]
          const floor = chainStart > bonusConsecutive ? chainStart : bonusConsecutive
          if (floor > b) b = floor
        }
        if (s1 + b < s2) {
          s1 += B[col]
          consecutive = 0
        } else {
          s1 += b
        }
      }
      cRow[col] = consecutive
      gap = s1 < s2
      const score: number = s1 > s2 ? (s1 > 0 ? s1 : 0) : s2 > 0 ? s2 : 0
      if (row === M - 1 && score > maxScore) maxScore = score
      hRow[col] = score
      left = score
    }
    ;[hPrev, hRow] = [hRow, hPrev]
    ;[cPrev, cRow] = [cRow, cPrev]
  }
  return maxScore
}

function classOfPrepared(text: PreparedText, col: number): CharClass {
  return classOf(text.codes[col])
}
