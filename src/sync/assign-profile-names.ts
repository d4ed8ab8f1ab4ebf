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
}

const suffixes: Array<(p: AccountRolePair) => string> = [(p) => p.session, (p) => p.accountId, (p) => p.roleName]

/**
 * Unique profile names for every pair of every session, as a function of the set of pairs only
 * (never of the order sync runs in): pairs whose names collide all get a suffix — `.{session}`
 * when they come from different sessions, then `.{account_id}` (two accounts with one name), then
 * `.{role_name}` — so nobody "wins" a name by being synced first. A name a hand-written profile
 * uses is never taken: that pair is skipped (and reported).
 */
export function assignProfileNames(named: NamedPair[], handWritten: ReadonlySet<string>): NameAssignment {
  let current = new Map(named.map((n) => [pairKey(n.pair), n.base] as const))
  const byKey = new Map(named.map((n) => [pairKey(n.pair), n.pair] as const))
  for (const suffix of suffixes) {
    const groups = groupByName(current)
    const next = new Map(current)
    for (const keys of groups.values()) {
      if (keys.length < 2) continue
      const values = new Set(keys.map((k) => suffix(byKey.get(k)!)))
      if (values.size < 2) continue // this suffix does not tell them apart; try the next one
      for (const k of keys) next.set(k, sanitizeProfileName(`${current.get(k)}.${suffix(byKey.get(k)!)}`))
    }
    current = next
  }
  // Anything still colliding (a suffixed name equal to another base name): number them in key order.
  for (const keys of groupByName(current).values()) {
    if (keys.length < 2) continue
    keys.sort()
    keys.forEach((k, i) => {
      if (i > 0) current.set(k, `${current.get(k)}-${i + 1}`)
    })
  }
  const names = new Map<string, string>()
  const skipped: NameAssignment['skipped'] = []
  for (const [key, name] of current) {
    if (handWritten.has(name)) skipped.push({pair: byKey.get(key)!, name})
    else names.set(key, name)
  }
  return {names, skipped}
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
