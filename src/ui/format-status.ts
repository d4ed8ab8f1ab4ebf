import type {StatusResult} from '../sso/session-status.js'
import {formatDuration} from './format-duration.js'

/** The human view of `keyless status` (stdout). */
export function formatStatus(result: StatusResult): string {
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
  }
  lines.push(`secret store: ${result.store.kind} (${result.store.description})`)
  return lines.join('\n')
}
