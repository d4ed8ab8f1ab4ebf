import {expect} from 'chai'
import {decodeMessages, encodeCall, encodeMessage, MessageType, splitSignature, type Message} from '../../../src/store/secret-service/dbus-wire.js'

// The decoder against what a bus really sends: replies cut anywhere by the socket, signals
// (NameAcquired follows Hello on every bus) between replies, error replies, and the big-endian
// byte order the specification allows a peer to choose.

const reply = (replySerial: number, signature: string, body: unknown[], serial = 100 + replySerial) =>
  encodeMessage({type: MessageType.methodReturn, serial, fields: [[5, {signature: 'u', value: replySerial}]], signature, body: body as never})

const secretReply = reply(4, '(oayays)', [['/org/freedesktop/secrets/session/s1', Buffer.alloc(0), Buffer.from('{"accessKeyId":"ASIA…ß"}'), 'text/plain']])

/** Feeds chunks to the decoder the way the lookup does (keeping the rest), collecting messages. */
function feed(chunks: Buffer[]): {messages: Message[]; afterEach: number[]} {
  let buffer: Buffer = Buffer.alloc(0)
  const messages: Message[] = []
  const afterEach: number[] = []
  for (const chunk of chunks) {
    buffer = Buffer.concat([buffer, chunk])
    const decoded = decodeMessages(buffer)
    buffer = decoded.rest
    messages.push(...decoded.messages)
    afterEach.push(messages.length)
  }
  expect(buffer.length, 'bytes left over').to.equal(0)
  return {messages, afterEach}
}

/** A big-endian method return written byte by byte from the specification, independent of the encoder. */
function bigEndianReply(replySerial: number, text: string): Buffer {
  const bytes: number[] = []
  const pad = (n: number) => {
    while (bytes.length % n) bytes.push(0)
  }
  const u32 = (v: number) => {
    pad(4)
    bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
  }
  const signature = (s: string) => bytes.push(s.length, ...Buffer.from(s), 0)
  const body = Buffer.concat([Buffer.alloc(4), Buffer.from(text), Buffer.from([0])])
  body.writeUInt32BE(Buffer.byteLength(text))
  bytes.push(0x42 /* B */, 2, 0, 1)
  u32(body.length)
  u32(77) // serial
  const lengthAt = bytes.length
  u32(0) // fields length, set below
  const fieldsStart = bytes.length
  pad(8)
  bytes.push(5) // REPLY_SERIAL
  signature('u')
  u32(replySerial)
  pad(8)
  bytes.push(8) // SIGNATURE
  signature('g')
  signature('s')
  const fieldsLength = bytes.length - fieldsStart
  const header = Buffer.from(bytes)
  header.writeUInt32BE(fieldsLength, lengthAt)
  const padded = Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8)])
  return Buffer.concat([padded, body])
}

describe('D-Bus wire decoder', () => {
  it('decodes a reply split across reads, byte by byte, only once it is complete', () => {
    const chunks = [...secretReply].map((byte) => Buffer.from([byte]))
    const {messages, afterEach} = feed(chunks)
    expect(afterEach.slice(0, -1).every((n) => n === 0)).to.equal(true)
    expect(messages).to.have.length(1)
    expect(messages[0]).to.deep.include({type: MessageType.methodReturn, replySerial: 4})
    const [[session, , value, contentType]] = messages[0].body as [[string, Buffer, Buffer, string]]
    expect(session).to.equal('/org/freedesktop/secrets/session/s1')
    expect(value.toString('utf8')).to.equal('{"accessKeyId":"ASIA…ß"}')
    expect(contentType).to.equal('text/plain')
  })

  it('decodes two messages arriving in one read, and a split at every position', () => {
    const both = Buffer.concat([reply(1, 's', [':1.42']), secretReply])
    for (let cut = 1; cut < both.length; cut++) {
      const {messages} = feed([both.subarray(0, cut), both.subarray(cut)])
      expect(messages.map((m) => m.replySerial), `cut at ${cut}`).to.deep.equal([1, 4])
    }
  })

  it('passes over a signal between replies, whatever its body holds', () => {
    const nameAcquired = encodeMessage({
      type: MessageType.signal,
      serial: 2,
      fields: [
        [1, {signature: 'o', value: '/org/freedesktop/DBus'}],
        [2, {signature: 's', value: 'org.freedesktop.DBus'}],
        [3, {signature: 's', value: 'NameAcquired'}],
      ],
      signature: 's',
      body: [':1.42'],
    })
    const propertiesChanged = encodeMessage({
      type: MessageType.signal,
      serial: 3,
      fields: [
        [1, {signature: 'o', value: '/org/freedesktop/secrets/collection/login'}],
        [2, {signature: 's', value: 'org.freedesktop.DBus.Properties'}],
        [3, {signature: 's', value: 'PropertiesChanged'}],
      ],
      signature: 'sa{sv}as',
      body: ['org.freedesktop.Secret.Collection', [['Locked', {signature: 'u', value: 1}]], []],
    })
    const {messages} = feed([Buffer.concat([reply(1, 's', [':1.42']), nameAcquired, propertiesChanged, reply(2, 'vo', [{signature: 's', value: ''}, '/org/freedesktop/secrets/session/s1']), secretReply])])
    expect(messages.map((m) => m.type)).to.deep.equal([MessageType.methodReturn, MessageType.signal, MessageType.signal, MessageType.methodReturn, MessageType.methodReturn])
    expect(messages[1]).to.deep.include({interface: 'org.freedesktop.DBus', member: 'NameAcquired', body: []})
    expect(messages[2]).to.deep.include({member: 'PropertiesChanged'})
    expect(messages[3].body[1]).to.equal('/org/freedesktop/secrets/session/s1')
    expect(messages[4].replySerial).to.equal(4)
  })

  it('decodes an error reply with its name and message', () => {
    const error = encodeMessage({
      type: MessageType.error,
      serial: 9,
      fields: [
        [4, {signature: 's', value: 'org.freedesktop.DBus.Error.ServiceUnknown'}],
        [5, {signature: 'u', value: 2}],
      ],
      signature: 's',
      body: ['The name org.freedesktop.secrets was not provided by any .service files'],
    })
    const {messages} = feed([error])
    expect(messages[0]).to.deep.equal({
      type: MessageType.error,
      serial: 9,
      replySerial: 2,
      error: 'org.freedesktop.DBus.Error.ServiceUnknown',
      body: ['The name org.freedesktop.secrets was not provided by any .service files'],
    })
  })

  it('decodes a big-endian message, also split byte by byte and next to a little-endian one', () => {
    const be = bigEndianReply(3, 'große Antwort')
    expect(be[0]).to.equal(0x42)
    const {messages} = feed([...Buffer.concat([be, reply(4, 'u', [7])])].map((byte) => Buffer.from([byte])))
    expect(messages[0]).to.deep.equal({type: MessageType.methodReturn, serial: 77, replySerial: 3, body: ['große Antwort']})
    expect(messages[1]).to.deep.include({replySerial: 4, body: [7]})
  })

  it('refuses bytes that are not D-Bus, and a message whose body lies about its length', () => {
    expect(() => decodeMessages(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).to.throw('not a D-Bus message')
    const broken = Buffer.from(reply(1, 's', ['abc']))
    broken.writeUInt32LE(1000, broken.length - 8) // the string claims 1000 bytes inside an 8-byte body
    expect(() => decodeMessages(broken)).to.throw('truncated')
  })

  it('encodes a call the decoder reads back (round trip of header fields and a dict body)', () => {
    const call = encodeCall(
      {path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service', member: 'SearchItems', destination: 'org.freedesktop.secrets', signature: 'a{ss}', body: [[['service', 'keyless'], ['username', 'role/a/1/R']]]},
      3,
    )
    const [message] = decodeMessages(call).messages
    expect(message).to.deep.include({type: MessageType.methodCall, serial: 3})
    expect(splitSignature('sa{ss}(oayays)v')).to.deep.equal(['s', 'a{ss}', '(oayays)', 'v'])
    expect(() => splitSignature('a{ss')).to.throw('bad signature')
  })
})
