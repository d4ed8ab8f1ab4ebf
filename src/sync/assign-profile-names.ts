import {pairKey, type AccountRolePair} from '../config/account-role-pair.js'
import {sanitizeProfileName} from './profile-name.js'

export interface NamedPair {
  pair: AccountRolePair
  /** The name the session's template gives it. */
  base: string
}

export interface NameAssignment {
  /** pairKey → profile name. */
  names: Map<string, string>
  /** Pairs left without a profile because a hand-written profile already has the name. */
  skipped: Array<{pair: AccountRolePair; name: string}>
  /** Newcomers whose name got a suffix because a profile already written has their plain name. */
  suffixed: Array<{pair: AccountRolePair; name: string; kept: string}>
}

const suffixes: Array<(p: AccountRolePair) => string> = [(p) => p.session, (p) => p.accountId, (p) => p.roleName]

/** `name` is `base` or `base` with suffixes (what this function makes of `base`). */
function derivedFrom(name: string, base: string): boolean {
  return name === base || name.startsWith(`${base}.`) || name.startsWith(`${base}-`)
}

/**
 * Unique profile names for every pair of every session. A name once written is stable: a pair
 * whose profile is already in the file (`written`: pairKey → name) keeps that name while the pair
 * exists and the name still comes from its template (a new --template renames on purpose).
 * Newcomers whose names collide get a suffix — `.{session}` when they come from different
 * sessions, then `.{account_id}` (two accounts with one name), then `.{role_name}` — and so do all
 * members of a collision among newcomers alone (nobody wins a name by coming first in one run).
 * A name a hand-written profile uses is never taken: that pair is skipped (and reported).
 */
export function assignProfileNames(named: NamedPair[], handWritten: ReadonlySet<string>, written: ReadonlyMap<string, string> = new Map()): NameAssignment {
  const byKey = new Map(named.map((n) => [pairKey(n.pair), n.pair] as const))
  const baseOf = new Map(named.map((n) => [pairKey(n.pair), n.base] as const))
  // The names already written that stay.
  const fixed = new Map<string, string>()
  const taken = new Set<string>()
  for (const n of named) {
    const key = pairKey(n.pair)
    const name = written.get(key)
    if (name === undefined || handWritten.has(name) || taken.has(name) || !derivedFrom(name, n.base)) continue
    fixed.set(key, name)
    taken.add(name)
  }
  let current = new Map(named.map((n) => [pairKey(n.pair), fixed.get(pairKey(n.pair)) ?? n.base] as const))
  for (const suffix of suffixes) {
    const groups = groupByName(current)
    const next = new Map(current)
    for (const keys of groups.values()) {
      const movable = keys.filter((k) => !fixed.has(k))
      if (keys.length < 2 || movable.length === 0) continue
      const values = new Set(keys.map((k) => suffix(byKey.get(k)!)))
      if (values.size < 2) continue // this suffix does not tell them apart; try the next one
      for (const k of movable) next.set(k, sanitizeProfileName(`${current.get(k)}.${suffix(byKey.get(k)!)}`))
    }
    current = next
  }
  // Anything still colliding (a suffixed name equal to another name): number the newcomers in key order.
  for (const keys of groupByName(current).values()) {
    if (keys.length < 2) continue
    const movable = keys.filter((k) => !fixed.has(k)).sort()
    const offset = keys.length - movable.length
    movable.forEach((k, i) => {
      if (i + offset > 0) current.set(k, `${current.get(k)}-${i + offset + 1}`)
    })
  }
  const names = new Map<string, string>()
  const skipped: NameAssignment['skipped'] = []
  const suffixed: NameAssignment['suffixed'] = []
  const fixedNames = new Set(fixed.values())
  for (const [key, name] of current) {
    if (handWritten.has(name)) skipped.push({pair: byKey.get(key)!, name})
    else names.set(key, name)
    const base = baseOf.get(key)!
    if (!fixed.has(key) && name !== base && fixedNames.has(base)) suffixed.push({pair: byKey.get(key)!, name, kept: base})
  }
  return {names, skipped, suffixed}
}

function groupByName(names: Map<string, string>): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const [key, name] of names) {
    const list = groups.get(name)
    if (list) list.push(key)
    else groups.set(name, [key])
  }
  return groups
}
