import {createHash, createHmac, timingSafeEqual, type Hash, type Hmac} from 'node:crypto'
import {SignatureV4} from '@smithy/signature-v4'
import type {Checksum, SourceData} from '@smithy/types'

/** The parts of an incoming request that SigV4 covers. */
export interface SignedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  body: string
}

export type SignatureCheck =
  | {ok: true; accessKeyId: string; region: string}
  | {ok: false; status: number; code: string; message: string}

/** The access key id a request claims, from the Authorization header (undefined when it has none). */
export function claimedAccessKeyId(headers: SignedRequest['headers']): string | undefined {
  return parseAuthorization(one(headers.authorization))?.accessKeyId
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

/**
 * Verifies the SigV4 signature of a request by recomputing it with @smithy/signature-v4 over the
 * same signed headers, date, region and service, using `secretAccessKey` (what the emulator issued).
 */
export async function sigv4Verifier(request: SignedRequest, secretAccessKey: string, service: string): Promise<SignatureCheck> {
  const auth = parseAuthorization(one(request.headers.authorization))
  if (!auth) {
    return {ok: false, status: 400, code: 'IncompleteSignature', message: 'Authorization header requires Credential, SignedHeaders and Signature.'}
  }
  if (auth.service !== service) {
    return {ok: false, status: 403, code: 'SignatureDoesNotMatch', message: `Credential should be scoped to correct service: '${service}'. `}
  }
  const amzDate = one(request.headers['x-amz-date'])
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined
  if (!amzDate || !signingDate || !auth.signedHeaders.includes('x-amz-date')) {
    return {ok: false, status: 400, code: 'IncompleteSignature', message: 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.'}
  }
  if (amzDate.slice(0, 8) !== auth.date) {
    return {ok: false, status: 403, code: 'SignatureDoesNotMatch', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}'`}
  }
  const headers: Record<string, string> = {}
  for (const name of auth.signedHeaders) {
    const value = request.headers[name]
    if (value === undefined) return {ok: false, status: 403, code: 'SignatureDoesNotMatch', message: SIGNATURE_MISMATCH}
    headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  // The signer trusts x-amz-content-sha256 when present; the service hashes the body it received.
  if ('x-amz-content-sha256' in headers) headers['x-amz-content-sha256'] = createHash('sha256').update(request.body).digest('hex')
  const signer = new SignatureV4({
    service,
    region: auth.region,
    credentials: {accessKeyId: auth.accessKeyId, secretAccessKey},
    sha256: NodeSha256,
    applyChecksum: false,
  })
  const signed = await signer.sign(
    {method: request.method, protocol: 'http:', hostname: 'emulator', path: request.path, query: request.query, headers, body: request.body},
    {signingDate, signingRegion: auth.region, signingService: service},
  )
  const expected = parseAuthorization(String(signed.headers.authorization ?? signed.headers.Authorization ?? ''))
  const same = expected !== undefined &&
    expected.signedHeaders.join(';') === auth.signedHeaders.join(';') &&
    expected.signature.length === auth.signature.length &&
    timingSafeEqual(Buffer.from(expected.signature), Buffer.from(auth.signature))
  if (!same) return {ok: false, status: 403, code: 'SignatureDoesNotMatch', message: SIGNATURE_MISMATCH}
  return {ok: true, accessKeyId: auth.accessKeyId, region: auth.region}
}

interface ParsedAuthorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  if (!value) return undefined
  const match = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request\s*,\s*SignedHeaders=([^\s,]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/.exec(value)
  if (!match) return undefined
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match
  return {accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature}
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!m) return undefined
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** SHA-256 / HMAC-SHA-256 over node:crypto, in the shape SignatureV4 expects. */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac
  constructor(private readonly secret?: SourceData) {
    this.hash = this.create()
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data))
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }

  reset(): void {
    this.hash = this.create()
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret))
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(data as ArrayBuffer)
}
