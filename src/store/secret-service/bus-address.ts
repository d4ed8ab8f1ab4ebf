/**
 * Where a D-Bus address list (`unix:path=…;tcp:host=…,port=…`, as in DBUS_SESSION_BUS_ADDRESS)
 * points: the first unix (path or abstract) or tcp entry. The one parser of bus addresses: the
 * Secret Service lookup and the session-bus probe both use it. `unixOnly` skips tcp entries (the
 * lookup authenticates by uid, which works over unix sockets only). undefined when no entry is usable.
 */
export function busTarget(address: string, unixOnly = false): {path: string} | {host: string; port: number} | undefined {
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':')
    if (colon < 0) continue
    const transport = entry.slice(0, colon)
    const keys = new Map<string, string>()
    for (const pair of entry.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=')
      if (eq < 0) continue
      try {
        keys.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)))
      } catch {
        return undefined
      }
    }
    if (transport === 'unix' && keys.get('path')) return {path: keys.get('path') as string}
    if (transport === 'unix' && keys.get('abstract')) return {path: `\0${keys.get('abstract')}`}
    if (transport === 'tcp' && keys.has('port') && !unixOnly) return {host: keys.get('host') ?? 'localhost', port: Number(keys.get('port'))}
  }
  return undefined
}
