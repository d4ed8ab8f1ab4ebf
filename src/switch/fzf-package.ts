import * as fzfModule from 'fzf'

/**
 * The `fzf` package's extended-mode search, typed here: its .d.ts files import each other without
 * file extensions, which TypeScript's Node16 resolution cannot follow, so `extendedMatch` and the
 * constructor options are not visible through its own types.
 */
export interface FzfResult<T> {
  item: T
  score: number
  start: number
  end: number
  positions: Set<number>
}

interface FzfModule {
  Fzf: new <T>(
    list: readonly T[],
    options: {selector?: (item: T) => string; match?: unknown; casing?: 'smart-case' | 'case-sensitive' | 'case-insensitive'; limit?: number},
  ) => {find(query: string): Array<FzfResult<T>>}
  extendedMatch: unknown
}

const fzf = fzfModule as unknown as FzfModule

/** A finder over `list` with fzf's extended syntax and smart case (the defaults of the fzf tool). */
export function packageFinder<T>(list: readonly T[], selector: (item: T) => string): {find(query: string): Array<FzfResult<T>>} {
  return new fzf.Fzf(list, {selector, match: fzf.extendedMatch, casing: 'smart-case'})
}
