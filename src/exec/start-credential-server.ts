import {randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {CredentialProvider} from '../credentials/cached.js'
import {KeylessError} from '../errors.js'
import type {CredentialEndpoint} from './build-exec-env.js'

export interface CredentialServer extends CredentialEndpoint {
  close(): Promise<void>
}

export interface CredentialServerOptions {
  /** Told (one line, no secret) when a request could not be served. */
  warn: (message: string) => void
}

/**
 * A credential endpoint on 127.0.0.1 (random port) in the container-credentials format the AWS
 * SDKs and CLI read through AWS_CONTAINER_CREDENTIALS_FULL_URI: every request must carry the random
 * token as its Authorization header (401 without one, 403 with a wrong one), and each answer comes
 * from `provider` (the cache), so the child gets fresh credentials when the old ones run out.
 */
export async function startCredentialServer(provider: CredentialProvider, options: CredentialServerOptions): Promise<CredentialServer> {
  const token = randomBytes(32).toString('base64url')
  const expected = Buffer.from(token)
  let inflight: Promise<Awaited<ReturnType<CredentialProvider>>> | undefined
  const fetchOnce = () => {
    inflight ??= provider().finally(() => {
      inflight = undefined
    })
    return inflight
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {'content-type': 'application/json', 'cache-control': 'no-store'})
      response.end(JSON.stringify(body))
    }
    const presented = request.headers.authorization
    if (!presented) return send(401, {Code: 'Unauthorized', Message: 'Missing Authorization header.'})
    const given = Buffer.from(presented)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return send(403, {Code: 'Forbidden', Message: 'Wrong authorization token.'})
    }
    if (request.method !== 'GET') return send(405, {Code: 'MethodNotAllowed', Message: 'Use GET.'})
    try {
      const c = await fetchOnce()
      send(200, {
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        Token: c.sessionToken,
        Expiration: new Date(c.expiresAt).toISOString(),
      })
    } catch (error) {
      const line = error instanceof KeylessError ? error.line : ((error as Error).message ?? String(error)).split('\n')[0]
      options.warn(`credential endpoint: ${line}`)
      send(500, {Code: error instanceof KeylessError ? error.code : 'InternalError', Message: line})
    }
  }

  const server = createServer((request, response) => void handle(request, response))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
