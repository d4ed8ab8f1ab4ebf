import {randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {KeylessError} from '../errors.js'
import type {AwsCredentials} from './credential-types.js'

/** A request that passed the endpoint's own checks (loopback Host, no Origin, no body, a token present). */
export interface EndpointRequest {
  method: string
  /** The path without the query, still URL-encoded. */
  path: string
  /** The Authorization header (always present here). */
  authorization: string
}

export interface EndpointAnswer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface CredentialEndpointOptions {
  /** The port to listen on (0 or undefined: a random free one; a taken port falls back to a random one). */
  port?: number
  /** Answers a request that passed the checks. It decides about the token itself (see tokenMatches). */
  handle: (request: EndpointRequest) => Promise<EndpointAnswer>
  /** Told about every refused request, in one line without the token. */
  log: (line: string) => void
  /** Requests handled at once; more wait (default 64). */
  maxActive?: number
  /** Requests waiting beyond that are refused with 503 (default 1024). */
  maxQueued?: number
}

export interface CredentialEndpoint {
  /** http://127.0.0.1:PORT/ */
  url: string
  port: number
  close(): Promise<void>
}

const maxUrlLength = 2048

/** A random 256-bit token, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false
  const a = Buffer.from(presented)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The container-credentials JSON the AWS SDKs and CLI read. */
export function credentialBody(c: AwsCredentials): Record<string, string> {
  return {AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: new Date(c.expiresAt).toISOString()}
}

/**
 * An error body the SDKs report: `code`/`message` (ours) and `Code`/`Message` (what the JS SDK's
 * fromHttp and botocore copy into their error).
 */
export function errorBody(code: string, message: string): Record<string, string> {
  return {code, message, Code: code, Message: message}
}

const statusOfCode: Record<string, number> = {
  LoginRequired: 403,
  AccessDenied: 403,
  ConfirmationRequired: 403,
  UsageError: 400,
  ProfileNotFound: 404,
  Network: 502,
  Unavailable: 503,
}

/** A failure as an answer: 4xx for what the caller or the user must fix, 5xx otherwise; one line, no secret. */
export function errorAnswer(error: unknown): EndpointAnswer {
  if (error instanceof KeylessError) {
    const code = error.code === 'UsageError' && /not found/i.test(error.message) ? 'ProfileNotFound' : error.code
    return {status: statusOfCode[code] ?? 500, body: errorBody(code, error.line)}
  }
  const line = ((error as Error)?.message ?? String(error)).split('\n')[0]
  return {status: 500, body: errorBody('InternalError', line)}
}

/**
 * A credential endpoint on 127.0.0.1 in the container-credentials protocol (what the AWS SDKs and
 * CLI read through AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN), for
 * `exec --server` and the agent. Before `handle` sees a request it is refused when: the Host is not
 * this address and port (DNS rebinding), an Origin header is present (a web page), it has a body or
 * an overlong URL, or no Authorization header (401). Concurrency and header size are bounded.
 */
export async function startCredentialEndpoint(options: CredentialEndpointOptions): Promise<CredentialEndpoint> {
  const maxActive = options.maxActive ?? 64
  const maxQueued = options.maxQueued ?? 1024
  let active = 0
  const queue: Array<() => void> = []
  let port = 0

  const send = (response: ServerResponse, answer: EndpointAnswer) => {
    const body = JSON.stringify(answer.body)
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      ...answer.headers,
    })
    response.end(body)
  }
  const refuse = (request: IncomingMessage, response: ServerResponse, status: number, code: string, message: string) => {
    const path = (request.url ?? '').split('?')[0].slice(0, 200)
    options.log(`refused ${request.method ?? '?'} ${path} from ${request.socket.remoteAddress ?? '?'}: ${status} ${code}`)
    send(response, {status, body: errorBody(code, message)})
  }

  const check = (request: IncomingMessage, response: ServerResponse): EndpointRequest | undefined => {
    const host = request.headers.host
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      refuse(request, response, 403, 'ForeignHost', `Host ${JSON.stringify(host ?? '').slice(0, 80)} is not this endpoint.`)
      return undefined
    }
    if (request.headers.origin !== undefined) {
      refuse(request, response, 403, 'OriginRefused', 'Requests from web pages are refused.')
      return undefined
    }
    const length = Number(request.headers['content-length'] ?? 0)
    if (length > 0 || request.headers['transfer-encoding'] !== undefined) {
      refuse(request, response, 413, 'BodyRefused', 'Requests carry no body.')
      return undefined
    }
    if ((request.url ?? '').length > maxUrlLength) {
      refuse(request, response, 414, 'UrlTooLong', 'The URL is too long.')
      return undefined
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      refuse(request, response, 405, 'MethodNotAllowed', 'Use GET.')
      return undefined
    }
    const authorization = request.headers.authorization
    if (!authorization) {
      refuse(request, response, 401, 'Unauthorized', 'Missing Authorization header.')
      return undefined
    }
    return {method: request.method, path: (request.url ?? '/').split('?')[0], authorization}
  }

  const run = async (request: EndpointRequest, response: ServerResponse) => {
    active++
    try {
      const answer = await options.handle(request).catch(errorAnswer)
      if (answer.status === 401 || answer.status === 403) {
        const code = (answer.body as {code?: string})?.code ?? '?'
        options.log(`refused ${request.method} ${request.path.slice(0, 200)}: ${answer.status} ${code}`)
      }
      send(response, answer)
    } finally {
      active--
      queue.shift()?.()
    }
  }

  const server = createServer({maxHeaderSize: 16 * 1024, requestTimeout: 60_000, headersTimeout: 10_000, keepAliveTimeout: 5_000}, (request, response) => {
    const checked = check(request, response)
    if (!checked) return
    if (active < maxActive) return void run(checked, response)
    if (queue.length >= maxQueued) return refuse(request, response, 503, 'Busy', 'Too many requests at once; try again.')
    queue.push(() => void run(checked, response))
  })
  server.maxConnections = maxActive + maxQueued

  const listen = (wanted: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error)
      server.once('error', onError)
      server.listen(wanted, '127.0.0.1', () => {
        server.off('error', onError)
        resolve()
      })
    })
  try {
    await listen(options.port ?? 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.port) throw error
    await listen(0)
  }
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
