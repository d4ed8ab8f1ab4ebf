import {formatGuardBadge} from '../guard/guard-style.js'
import type {PickerChoice} from '../ui/picker.js'
import type {FuzzyIndex} from './fuzzy-index.js'
import type {SwitchEntry} from './switch-entries.js'

/**
 * What the picker calls on every keystroke: the best matches of the query as aligned lines
 * (marker, account, id, role, session, profile). The [PROD] marker is text, so it survives NO_COLOR.
 */
export function pickerSource(
  entries: readonly SwitchEntry[],
  index: FuzzyIndex<SwitchEntry>,
  options: {color: boolean; limit: number},
): (query: string) => Array<PickerChoice<SwitchEntry>> {
  const widths = columnWidths(entries)
  return (query) =>
    index.search(query, options.limit).matches.map((m) => ({value: m.item, name: label(m.item, widths, options.color), description: description(m.item)}))
}

interface Widths {
  account: number
  id: number
  role: number
  session: number
}

function columnWidths(entries: readonly SwitchEntry[]): Widths {
  const max = (f: (e: SwitchEntry) => string | undefined, cap: number) => Math.min(cap, Math.max(0, ...entries.map((e) => (f(e) ?? '').length)))
  return {account: max((e) => e.accountName, 32), id: max((e) => e.accountId, 12), role: max((e) => e.roleName, 28), session: max((e) => e.session, 16)}
}

const fit = (text: string | undefined, width: number) => {
  const t = text ?? ''
  return t.length > width ? `${t.slice(0, Math.max(0, width - 1))}…` : t.padEnd(width)
}

/** One picker line: marker, account, id, role, session, profile. The [PROD] marker stays without color. */
function label(e: SwitchEntry, w: Widths, color: boolean): string {
  const marker = e.guarded ? formatGuardBadge(color) : '      '
  const profile = e.profile ? `→ ${e.profile}` : '(no profile: keyless sync)'
  return `${marker} ${fit(e.accountName ?? e.detail, w.account)}  ${fit(e.accountId, w.id)}  ${fit(e.roleName, w.role)}  ${fit(e.session, w.session)}  ${profile}`
}

function description(e: SwitchEntry): string {
  return [e.region ? `region ${e.region}` : undefined, e.detail].filter(Boolean).join(' · ')
}
