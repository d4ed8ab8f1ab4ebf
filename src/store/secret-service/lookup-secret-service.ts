import {createConnection, type Socket} from 'node:net'

// A minimal Secret Service client (org.freedesktop.Secret over the D-Bus session bus) for one job:
// reading one item on the credential-process fast path. The native keyring module the secret
// store uses costs about 12 ms to load and connect (and a frozen bus can block it), which is most
// of the fast path's budget; this speaks the few D-Bus messages needed over a plain socket in about
// 2 ms, under a hard deadline. Items are found by the attributes @napi-rs/keyring gives them
// (service, username); anything unexpected throws, and the caller falls back to the full path,
// which uses the real store. The "plain" session algorithm is the one every Secret Service offers:
// the secret crosses only this user's private bus socket, and goes to stdout next anyway.

type Value = string | number | bigint | Buffer | Value[] | {signature: string; value: Value}

/** A D-Bus message body writer/reader for the few types needed: y u s o g v a ( ) { }. */
class Writer {
  private chunks: Buffer[] = []
  private length = 0

  get size(): number {
    return this.length
  }

  private push(buffer: Buffer): void {
    this.chunks.push(buffer)
    this.length += buffer.length
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n
    if (pad) this.push(Buffer.alloc(pad))
  }

  write(signature: string, value: Value): void {
    const types = splitSignature(signature)
    if (types.length !== 1) throw new Error(`one type expected: ${signature}`)
    const [type] = types
    switch (type[0]) {
      case 'y':
        this.push(Buffer.from([Number(value)]))
        return
      case 'u': {
        this.align(4)
        const b = Buffer.alloc(4)
        b.writeUInt32LE(Number(value))
        this.push(b)
        return
      }
      case 's':
      case 'o': {
        const text = Buffer.from(String(value), 'utf8')
        this.write('u', text.length)
        this.push(Buffer.concat([text, Buffer.from([0])]))
        return
      }
      case 'g': {
        const text = Buffer.from(String(value), 'utf8')
        this.push(Buffer.concat([Buffer.from([text.length]), text, Buffer.from([0])]))
        return
      }
      case 'v': {
        const variant = value as {signature: string; value: Value}
        this.write('g', variant.signature)
        this.write(variant.signature, variant.value)
        return
      }
      case 'a': {
        const element = type.slice(1)
        this.align(4)
        const lengthAt = this.chunks.length
        this.push(Buffer.alloc(4))
        this.align(alignment(element))
        const start = this.length
        for (const item of value as Value[]) this.write(element, item)
        this.chunks[lengthAt].writeUInt32LE(this.length - start)
        return
      }
      case '(':
      case '{': {
        this.align(8)
        const fields = splitSignature(type.slice(1, -1))
        fields.forEach((field, i) => this.write(field, (value as Value[])[i]))
        return
      }
      default:
        throw new Error(`unsupported D-Bus type ${type}`)
    }
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

class Reader {
  constructor(
    private readonly buffer: Buffer,
    public offset: number,
  ) {}

  align(n: number): void {
    this.offset += (n - (this.offset % n)) % n
  }

  read(type: string): Value {
    switch (type[0]) {
      case 'y':
        return this.buffer.readUInt8(this.offset++)
      case 'b':
      case 'u':
      case 'i': {
        this.align(4)
        const v = type[0] === 'i' ? this.buffer.readInt32LE(this.offset) : this.buffer.readUInt32LE(this.offset)
        this.offset += 4
        return v
      }
      case 's':
      case 'o': {
        const length = this.read('u') as number
        const text = this.buffer.toString('utf8', this.offset, this.offset + length)
        this.offset += length + 1
        return text
      }
      case 'g': {
        const length = this.read('y') as number
        const text = this.buffer.toString('utf8', this.offset, this.offset + length)
        this.offset += length + 1
        return text
      }
      case 'v': {
        const signature = this.read('g') as string
        return {signature, value: this.read(signature)}
      }
      case 'a': {
        const element = type.slice(1)
        const length = this.read('u') as number
        this.align(alignment(element))
        const end = this.offset + length
        if (element === 'y') {
          const bytes = Buffer.from(this.buffer.subarray(this.offset, end))
          this.offset = end
          return bytes
        }
        const items: Value[] = []
        while (this.offset < end) items.push(this.read(element))
        return items
      }
      case '(':
      case '{': {
        this.align(8)
        return splitSignature(type.slice(1, -1)).map((field) => this.read(field))
      }
      default:
        throw new Error(`unsupported D-Bus type ${type}`)
    }
  }
}

function alignment(type: string): number {
  switch (type[0]) {
    case 'y':
    case 'g':
    case 'v':
      return 1
    case '(':
    case '{':
      return 8
    default:
      return 4
  }
}

/** Splits a signature into complete types: "sa{ss}(oayays)" -> ["s", "a{ss}", "(oayays)"]. */
function splitSignature(signature: string): string[] {
  const types: string[] = []
  let i = 0
  const one = (): string => {
    const start = i
    const c = signature[i++]
    if (c === 'a') one()
    else if (c === '(' || c === '{') {
      const close = c === '(' ? ')' : '}'
      while (signature[i] !== close) {
        if (i >= signature.length) throw new Error(`bad signature ${signature}`)
        one()
      }
      i++
    }
    return signature.slice(start, i)
  }
  while (i < signature.length) types.push(one())
  return types
}

interface Call {
  path: string
  interface: string
  member: string
  destination: string
  signature?: string
  body?: Value[]
}

function encodeCall(call: Call, serial: number): Buffer {
  const body = new Writer()
  if (call.signature) splitSignature(call.signature).forEach((type, i) => body.write(type, (call.body ?? [])[i]))
  const fields: Value[] = [
    [1, {signature: 'o', value: call.path}],
    [2, {signature: 's', value: call.interface}],
    [3, {signature: 's', value: call.member}],
    [6, {signature: 's', value: call.destination}],
  ]
  if (call.signature) fields.push([8, {signature: 'g', value: call.signature}])
  const message = new Writer()
  for (const byte of [0x6c /* l */, 1 /* method call */, 0, 1]) message.write('y', byte)
  message.write('u', body.size)
  message.write('u', serial)
  message.write('a(yv)', fields)
  message.align(8)
  return Buffer.concat([message.toBuffer(), body.toBuffer()])
}

interface Reply {
  replySerial: number
  error?: string
  body: Value[]
}

/** Complete messages at the front of `buffer`, and the unused rest. */
function decodeMessages(buffer: Buffer): {messages: Reply[]; rest: Buffer} {
  const messages: Reply[] = []
  let offset = 0
  while (buffer.length - offset >= 16) {
    if (buffer[offset] !== 0x6c) throw new Error('big-endian D-Bus messages are not supported')
    const bodyLength = buffer.readUInt32LE(offset + 4)
    const fieldsLength = buffer.readUInt32LE(offset + 12)
    const headerEnd = offset + 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8)
    const end = headerEnd + bodyLength
    if (buffer.length < end) break
    const type = buffer[offset + 1]
    const header = new Reader(buffer.subarray(offset, headerEnd), 12)
    const fields = header.read('a(yv)') as Array<[number, {value: Value}]>
    const field = (code: number) => fields.find(([c]) => c === code)?.[1].value
    if (type === 2 || type === 3) {
      const signature = (field(8) as string | undefined) ?? ''
      const body = new Reader(buffer.subarray(headerEnd, end), 0)
      messages.push({
        replySerial: field(5) as number,
        ...(type === 3 ? {error: String(field(4))} : {}),
        body: splitSignature(signature).map((t) => body.read(t)),
      })
    }
    offset = end
  }
  return {messages, rest: buffer.subarray(offset)}
}

/** The socket path of a `unix:path=…` or `unix:abstract=…` bus address. */
export function unixBusPath(address: string): string | undefined {
  for (const entry of address.split(';')) {
    if (!entry.startsWith('unix:')) continue
    const keys = new Map(entry.slice(5).split(',').map((pair) => pair.split('=', 2) as [string, string]))
    try {
      if (keys.get('path')) return decodeURIComponent(keys.get('path') as string)
      if (keys.get('abstract')) return `\0${decodeURIComponent(keys.get('abstract') as string)}`
    } catch {
      return undefined
    }
  }
  return undefined
}

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
 * matches. Throws on anything else (no bus, a locked or ambiguous item, an error reply, the deadline).
 */
export async function lookupSecretService(options: LookupOptions): Promise<string | undefined> {
  const [value] = await lookupSecretServiceItems({...options, attributeSets: [options.attributes]})
  return value
}

/** Several items over one connection, their searches pipelined: one result per attribute set, in order. */
export async function lookupSecretServiceItems(
  options: Omit<LookupOptions, 'attributes'> & {attributeSets: Array<Record<string, string>>},
): Promise<Array<string | undefined>> {
  const path = unixBusPath(options.address)
  if (!path) throw new Error('unsupported bus address')
  const uid = options.uid ?? process.getuid?.() ?? 0
  const socket: Socket = createConnection({path})
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
  const waiting = new Map<number, {resolve: (r: Reply) => void; reject: (e: Error) => void}>()
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
        const w = waiting.get(message.replySerial)
        if (!w) continue
        waiting.delete(message.replySerial)
        if (message.error) w.reject(new Error(message.error))
        else w.resolve(message)
      }
    } catch (error) {
      fail(error as Error)
    }
  })

  let serial = 0
  const send = (call: Call): Promise<Reply> => {
    const id = ++serial
    const reply = new Promise<Reply>((resolve, reject) => waiting.set(id, {resolve, reject}))
    // Pipelined replies may fail after the caller stopped waiting (an earlier reply failed, or the
    // deadline passed and the socket closed): handled here, so no unhandled rejection ends the process.
    reply.catch(() => {})
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
