// The D-Bus wire format, as much of it as the Secret Service lookup needs: encoding method calls
// (little-endian, as every implementation accepts) and decoding whatever the bus sends back,
// in either byte order (the specification lets a peer choose; the first header byte says which).
// Hand-written on purpose: the credential-process hot path loads it, and a D-Bus library
// (dbus-next) costs 44-71 ms to load where this costs well under one.

export type Value = string | number | bigint | boolean | Buffer | Value[] | {signature: string; value: Value}

export const MessageType = {methodCall: 1, methodReturn: 2, error: 3, signal: 4} as const

/** A D-Bus message body writer for the types the calls need: y u s o g v a ( ) { }. */
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
      case 'b':
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
        if (element === 'y') this.push(Buffer.from(value as Buffer))
        else for (const item of value as Value[]) this.write(element, item)
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

/** Reads values of any basic or container type, in the message's byte order. */
class Reader {
  constructor(
    private readonly buffer: Buffer,
    public offset: number,
    private readonly littleEndian: boolean,
  ) {}

  align(n: number): void {
    this.offset += (n - (this.offset % n)) % n
  }

  private fixed<T>(size: number, le: (at: number) => T, be: (at: number) => T): T {
    this.align(size)
    if (this.offset + size > this.buffer.length) throw new Error('D-Bus message truncated')
    const value = this.littleEndian ? le(this.offset) : be(this.offset)
    this.offset += size
    return value
  }

  read(type: string): Value {
    const b = this.buffer
    switch (type[0]) {
      case 'y':
        return this.fixed(1, (at) => b.readUInt8(at), (at) => b.readUInt8(at))
      case 'b':
        return this.fixed(4, (at) => b.readUInt32LE(at), (at) => b.readUInt32BE(at)) !== 0
      case 'n':
        return this.fixed(2, (at) => b.readInt16LE(at), (at) => b.readInt16BE(at))
      case 'q':
        return this.fixed(2, (at) => b.readUInt16LE(at), (at) => b.readUInt16BE(at))
      case 'i':
        return this.fixed(4, (at) => b.readInt32LE(at), (at) => b.readInt32BE(at))
      case 'u':
      case 'h':
        return this.fixed(4, (at) => b.readUInt32LE(at), (at) => b.readUInt32BE(at))
      case 'x':
        return this.fixed(8, (at) => b.readBigInt64LE(at), (at) => b.readBigInt64BE(at))
      case 't':
        return this.fixed(8, (at) => b.readBigUInt64LE(at), (at) => b.readBigUInt64BE(at))
      case 'd':
        return this.fixed(8, (at) => b.readDoubleLE(at), (at) => b.readDoubleBE(at))
      case 's':
      case 'o': {
        const length = this.read('u') as number
        return this.text(length)
      }
      case 'g': {
        const length = this.read('y') as number
        return this.text(length)
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
        if (end > b.length) throw new Error('D-Bus message truncated')
        if (element === 'y') {
          const bytes = Buffer.from(b.subarray(this.offset, end))
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

  private text(length: number): string {
    if (this.offset + length + 1 > this.buffer.length) throw new Error('D-Bus message truncated')
    const text = this.buffer.toString('utf8', this.offset, this.offset + length)
    this.offset += length + 1
    return text
  }
}

function alignment(type: string): number {
  switch (type[0]) {
    case 'y':
    case 'g':
    case 'v':
      return 1
    case 'n':
    case 'q':
      return 2
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
      return 8
    default:
      return 4
  }
}

/** Splits a signature into complete types: "sa{ss}(oayays)" -> ["s", "a{ss}", "(oayays)"]. */
export function splitSignature(signature: string): string[] {
  const types: string[] = []
  let i = 0
  const one = (): string => {
    const start = i
    const c = signature[i++]
    if (c === undefined) throw new Error(`bad signature ${signature}`)
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

export interface Call {
  path: string
  interface: string
  member: string
  destination: string
  signature?: string
  body?: Value[]
}

/** A method call, little-endian, ready to write to the bus. */
export function encodeCall(call: Call, serial: number): Buffer {
  return encodeMessage({type: MessageType.methodCall, serial, fields: callFields(call), signature: call.signature, body: call.body})
}

function callFields(call: Call): Array<[number, {signature: string; value: Value}]> {
  return [
    [HeaderField.path, {signature: 'o', value: call.path}],
    [HeaderField.interface, {signature: 's', value: call.interface}],
    [HeaderField.member, {signature: 's', value: call.member}],
    [HeaderField.destination, {signature: 's', value: call.destination}],
  ]
}

const HeaderField = {path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8} as const

/** Any message (the tests also build replies, errors and signals with it). Little-endian. */
export function encodeMessage(message: {
  type: number
  serial: number
  fields: Array<[number, {signature: string; value: Value}]>
  signature?: string
  body?: Value[]
}): Buffer {
  const body = new Writer()
  if (message.signature) splitSignature(message.signature).forEach((type, i) => body.write(type, (message.body ?? [])[i]))
  const fields = [...message.fields]
  if (message.signature) fields.push([HeaderField.signature, {signature: 'g', value: message.signature}])
  const header = new Writer()
  for (const byte of [0x6c /* l */, message.type, 0, 1]) header.write('y', byte)
  header.write('u', body.size)
  header.write('u', message.serial)
  header.write('a(yv)', fields)
  header.align(8)
  return Buffer.concat([header.toBuffer(), body.toBuffer()])
}

export interface Message {
  type: number
  serial: number
  /** Method returns and errors: the serial of the call answered. */
  replySerial?: number
  /** Errors: the error name, e.g. org.freedesktop.DBus.Error.ServiceUnknown. */
  error?: string
  /** Signals: interface and member, e.g. org.freedesktop.DBus NameAcquired. */
  interface?: string
  member?: string
  /** Decoded for method returns and errors; left out for calls and signals (nothing here reads them). */
  body: Value[]
}

/**
 * The complete messages at the front of `buffer`, and the rest (a message split across reads
 * waits there for its remaining bytes). Throws on a message that cannot be D-Bus.
 */
export function decodeMessages(buffer: Buffer): {messages: Message[]; rest: Buffer} {
  const messages: Message[] = []
  let offset = 0
  while (buffer.length - offset >= 16) {
    const endian = buffer[offset]
    if (endian !== 0x6c /* l */ && endian !== 0x42 /* B */) throw new Error('not a D-Bus message')
    const le = endian === 0x6c
    const u32 = (at: number) => (le ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at))
    const bodyLength = u32(offset + 4)
    const fieldsLength = u32(offset + 12)
    const headerEnd = offset + 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8)
    const end = headerEnd + bodyLength
    if (buffer.length < end) break
    const type = buffer[offset + 1]
    // Offsets align from the start of the message, so each message is read from its own view.
    const header = new Reader(buffer.subarray(offset, headerEnd), 4, le)
    header.read('u') // body length, read above
    const serial = header.read('u') as number
    const fields = header.read('a(yv)') as Array<[number, {value: Value}]>
    const field = (code: number) => fields.find(([c]) => c === code)?.[1].value
    const message: Message = {type, serial, body: []}
    if (type === MessageType.methodReturn || type === MessageType.error) {
      message.replySerial = field(HeaderField.replySerial) as number
      if (type === MessageType.error) message.error = String(field(HeaderField.errorName))
      const signature = (field(HeaderField.signature) as string | undefined) ?? ''
      const body = new Reader(buffer.subarray(headerEnd, end), 0, le)
      message.body = splitSignature(signature).map((t) => body.read(t))
    } else if (type === MessageType.signal) {
      message.interface = field(HeaderField.interface) as string | undefined
      message.member = field(HeaderField.member) as string | undefined
    }
    messages.push(message)
    offset = end
  }
  return {messages, rest: buffer.subarray(offset)}
}
