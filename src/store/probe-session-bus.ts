import {createConnection, type Socket} from 'node:net'
import {busTarget} from './secret-service/bus-address.js'

/**
 * Checks that the D-Bus session bus answers before the keyring binding connects to it.
 *
 * Why: @napi-rs/keyring connects to the bus inside the (synchronous) AsyncEntry constructor, and
 * libdbus waits without limit for a bus that accepts the connection but never answers (a frozen
 * daemon, a dead forwarded socket). That would block the event loop, so no timer could fire. This
 * probe sends the first line of the D-Bus auth handshake and waits for any reply, within
 * timeoutMs. Only a silent bus is reported (as 'timeout'): a missing or refused socket resolves
 * 'unreachable' and libdbus then fails fast with its own message. It costs well under a
 * millisecond on a live bus, plus loading node:net.
 */
export async function probeSessionBus(address: string | undefined, timeoutMs: number): Promise<'ok' | 'unreachable' | 'timeout' | 'skipped'> {
  const target = address ? busTarget(address) : undefined
  if (!target) return 'skipped'
  return new Promise((resolve) => {
    const socket: Socket =
      'path' in target ? createConnection({path: target.path}) : createConnection({host: target.host, port: target.port})
    const done = (result: 'ok' | 'unreachable' | 'timeout') => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => done('timeout'), timeoutMs)
    // A NUL byte, then an AUTH with no mechanism: every bus answers with the mechanisms it knows.
    socket.write('\0AUTH\r\n')
    socket.once('data', () => done('ok'))
    socket.once('error', () => done('unreachable'))
    socket.once('end', () => done('ok'))
  })
}
