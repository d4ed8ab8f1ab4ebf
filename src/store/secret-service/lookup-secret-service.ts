import {createConnection, type Socket} from 'node:net'
import {busTarget} from './bus-address.js'
import {decodeMessages, encodeCall, MessageType, type Call, type Message} from './dbus-wire.js'

// A minimal Secret Service client (org.freedesktop.Secret over the D-Bus session bus) for one job:
// reading one item on the credential-process hot path. The native keyring module the secret
// store uses costs about 12 ms to load and connect (and a frozen bus can block it), which is most
// of the hot path's budget; this speaks the few D-Bus messages needed over a plain socket in about
// 2 ms, under a hard deadline. Items are found by the attributes @napi-rs/keyring gives them
// (service, username); anything unexpected throws, and the caller falls back to the full path,
// which uses the real store and reports problems properly. The "plain" session algorithm is the
// one every Secret Service offers: the secret crosses only this user's private bus socket, and
// goes to stdout next anyway.

export interface LookupOptions {
  /** DBUS_SESSION_BUS_ADDRESS */
  address: string
  attributes: Record<string, string>
  /** Everything (connect, auth, calls) within this; default 1000 ms. */
  timeoutMs?: number
  uid?: number
}

const SECRETS = 'org.freedesktop.secrets'
const SERVICE_PATH = '/org/freedesktop/secrets'
const SERVICE = 'org.freedesktop.Secret.Service'

/**
 * The secret of the one unlocked item with these attributes: its text, or undefined when no item
 * matches. Rejects on anything else (no bus, no Secret Service on it, a locked or ambiguous item,
 * an error reply, the deadline), and never leaves a rejection unhandled behind it.
 */
export async function lookupSecretService(options: LookupOptions): Promise<string | undefined> {
  const [value] = await lookupSecretServiceItems({...options, attributeSets: [options.attributes]})
  return value
}

/** Several items over one connection, their searches pipelined: one result per attribute set, in order. */
export async function lookupSecretServiceItems(
  options: Omit<LookupOptions, 'attributes'> & {attributeSets: Array<Record<string, string>>},
): Promise<Array<string | undefined>> {
  // EXTERNAL authentication (by uid) works over unix sockets only.
  const target = busTarget(options.address, true)
  if (!target || !('path' in target)) throw new Error('unsupported bus address')
  const uid = options.uid ?? process.getuid?.() ?? 0
  const socket: Socket = createConnection({path: target.path})
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      conversation(socket, uid, options.attributeSets),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('Secret Service lookup timed out')), options.timeoutMs ?? 1000)
      }),
    ])
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
}

async function conversation(socket: Socket, uid: number, attributeSets: Array<Record<string, string>>): Promise<Array<string | undefined>> {
  let buffer: Buffer = Buffer.alloc(0)
  let authenticated = false
  const waiting = new Map<number, {resolve: (r: Message) => void; reject: (e: Error) => void}>()
  let authed: (() => void) | undefined
  let failed: ((e: Error) => void) | undefined
  const fail = (error: Error) => {
    failed?.(error)
    for (const w of waiting.values()) w.reject(error)
    waiting.clear()
  }
  socket.on('error', fail)
  socket.on('close', () => fail(new Error('the session bus closed the connection')))
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk])
    try {
      if (!authenticated) {
        const line = buffer.indexOf('\r\n')
        if (line < 0) return
        const text = buffer.toString('latin1', 0, line)
        buffer = buffer.subarray(line + 2)
        if (!text.startsWith('OK ')) throw new Error(`D-Bus authentication refused (${text.split(' ')[0]})`)
        authenticated = true
        authed?.()
      }
      const {messages, rest} = decodeMessages(buffer)
      buffer = rest
      for (const message of messages) {
        // Signals (NameAcquired after Hello, anything broadcast) and calls are not answers.
        if (message.type !== MessageType.methodReturn && message.type !== MessageType.error) continue
        const w = waiting.get(message.replySerial as number)
        if (!w) continue
        waiting.delete(message.replySerial as number)
        if (message.error) w.reject(new Error(message.error))
        else w.resolve(message)
      }
    } catch (error) {
      fail(error as Error)
    }
  })

  let serial = 0
  const send = (call: Call): Promise<Message> => {
    const id = ++serial
    const reply = new Promise<Message>((resolve, reject) => waiting.set(id, {resolve, reject}))
    // Calls are pipelined: when an earlier one fails (or the deadline passes), nobody awaits the
    // later ones, which then reject with the same error. Mark each handled here; the awaited one
    // still throws to its caller.
    reply.catch(() => undefined)
    socket.write(encodeCall(call, id))
    return reply
  }

  await new Promise<void>((resolve, reject) => {
    authed = resolve
    failed = reject
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`)
  })
  socket.write('BEGIN\r\n')
  // Pipelined: Hello (the bus requires it first), the session, the search.
  const hello = send({path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello', destination: 'org.freedesktop.DBus'})
  const session = send({
    path: SERVICE_PATH, interface: SERVICE, member: 'OpenSession', destination: SECRETS,
    signature: 'sv', body: ['plain', {signature: 's', value: ''}],
  })
  const searches = attributeSets.map((attributes) =>
    send({
      path: SERVICE_PATH, interface: SERVICE, member: 'SearchItems', destination: SECRETS,
      signature: 'a{ss}', body: [Object.entries(attributes)],
    }),
  )
  // Every reply is read before the answer is judged: gnome-keyring can abort when a client
  // disconnects while a request of its is still queued (upstream #190, #196, #199).
  await Promise.allSettled([hello, session, ...searches])
  await hello
  const sessionPath = (await session).body[1] as string
  const items: Array<string | undefined> = []
  for (const search of searches) {
    const [unlocked, locked] = (await search).body as [string[], string[]]
    if (unlocked.length + locked.length === 0) items.push(undefined)
    else if (locked.length > 0 || unlocked.length !== 1) throw new Error('the item is locked or ambiguous')
    else items.push(unlocked[0])
  }
  const secrets = items.map((item) =>
    item === undefined
      ? undefined
      : send({
          path: item, interface: 'org.freedesktop.Secret.Item', member: 'GetSecret', destination: SECRETS,
          signature: 'o', body: [sessionPath],
        }),
  )
  await Promise.allSettled(secrets)
  const values: Array<string | undefined> = []
  for (const secret of secrets) {
    if (secret === undefined) {
      values.push(undefined)
      continue
    }
    const [, , value] = (await secret).body[0] as [string, Buffer, Buffer, string]
    values.push(value.toString('utf8'))
  }
  return values
}
