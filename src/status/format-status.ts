import {formatGuardBadge, guardBadge} from '../guard/guard-style.js'
import type {CachedCredential} from './cached-credential-list.js'
import type {StatusResult} from './session-status.js'
import {formatDuration} from '../ui/format-duration.js'
import {renderTable, type Column} from '../ui/table.js'

/**
 * The cached credentials of a session, one line each, indented under the session: [PROD] (red and
 * bold when `color`, the text marker always), account id and name, role, time left, profiles.
 */
export function formatCachedCredentials(items: readonly CachedCredential[], color: boolean): string {
  const columns: Column<CachedCredential>[] = [
    {header: '', value: (c) => (c.guarded ? guardBadge : ''), style: (text, c) => (c.guarded ? text.replace(guardBadge, formatGuardBadge(color)) : text)},
    {header: 'ACCOUNT', value: (c) => c.accountId ?? '-'},
    {header: 'NAME', value: (c) => c.accountName ?? '-'},
    {header: 'ROLE', value: (c) => c.roleName ?? '-'},
    {header: 'LEFT', value: (c) => formatDuration(c.secondsLeft)},
    {header: 'PROFILE', value: (c) => `${c.profiles.join(', ') || '-'}${c.kind === 'chain' ? ` (role chain${c.profiles.length === 0 ? ', no profile in the config' : ''})` : ''}`},
  ]
  // Without a guarded entry the marker column would only indent the table.
  return renderTable(items.some((c) => c.guarded) ? columns : columns.slice(1), items)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}

/** The human view of `keyless status` (stdout). `color`: the [PROD] marker in red (a terminal without NO_COLOR). */
export function formatStatus(result: StatusResult, options: {color?: boolean} = {}): string {
  const lines: string[] = []
  if (result.sessions.length === 0) {
    lines.push('No sso-session is configured. Run `keyless configure` to add one.')
  }
  for (const s of result.sessions) {
    lines.push(`sso-session ${s.session}${s.configured ? '' : ' (not in the config; secrets still stored)'}`)
    if (s.startUrl) lines.push(`  start URL       ${s.startUrl}`)
    if (s.region) lines.push(`  region          ${s.region}`)
    const t = s.token
    const left = t.secondsLeft ?? 0
    const tokenText =
      t.state === 'none'
        ? 'not signed in'
        : t.state === 'expired'
          ? `expired${t.secondsLeft === undefined ? '' : ` ${formatDuration(left)} ago`}`
          : `${t.state === 'expiring' ? 'expiring soon' : 'valid'}, ${formatDuration(left)} left (until ${t.expiresAt})`
    lines.push(`  token           ${tokenText}${t.state === 'none' ? '' : t.refreshable ? '; refreshable' : '; not refreshable'}`)
    const r = s.registration
    lines.push(
      `  registration    ${r.expiresAt ? `${(r.secondsLeft ?? 0) > 0 ? `expires in ${formatDuration(r.secondsLeft ?? 0)}` : 'expired'} (${r.expiresAt})` : 'none'}`,
    )
    const c = s.roleCredentials
    const cached = c.count === 0 ? 'none' : `${c.count}, soonest expiry in ${formatDuration(c.soonestSecondsLeft ?? 0)} (${c.soonestExpiry})`
    lines.push(`  role creds      ${cached}${c.expired ? `; ${c.expired} expired` : ''}`)
    if (c.items.length > 0) lines.push(formatCachedCredentials(c.items, options.color ?? false))
  }
  lines.push(`secret store: ${result.store.kind} (${result.store.description})`)
  return lines.join('\n')
}
