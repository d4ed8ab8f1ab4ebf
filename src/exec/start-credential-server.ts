import type {CredentialProvider} from '../credentials/cached.js'
import {credentialBody, errorAnswer, errorBody, randomToken, startCredentialEndpoint, tokenMatches} from '../credentials/credential-endpoint.js'
import type {CredentialEndpoint} from '../credentials/credential-variables.js'

export interface CredentialServer extends CredentialEndpoint {
  close(): Promise<void>
}

export interface CredentialServerOptions {
  /** Told (one line, no secret) when a request could not be served. */
  warn: (message: string) => void
}

/**
 * The private endpoint of `exec --server`: the shared loopback credential endpoint
 * (credentials/credential-endpoint.ts: Host/Origin/size checks, 401 without a token) with one random
 * token (403 when wrong) serving one profile, each answer from `provider` (the cache), so the child
 * gets fresh credentials when the old ones run out. Simultaneous requests share one provider call.
 */
export async function startCredentialServer(provider: CredentialProvider, options: CredentialServerOptions): Promise<CredentialServer> {
  const token = randomToken()
  let inflight: ReturnType<CredentialProvider> | undefined
  const fetchOnce = () => {
    inflight ??= provider().finally(() => {
      inflight = undefined
    })
    return inflight
  }
  const endpoint = await startCredentialEndpoint({
    log: () => {},
    async handle(request) {
      if (!tokenMatches(request.authorization, token)) return {status: 403, body: errorBody('Forbidden', 'Wrong authorization token.')}
      if (request.method !== 'GET') return {status: 405, body: errorBody('MethodNotAllowed', 'Use GET.')}
      try {
        return {status: 200, body: credentialBody(await fetchOnce())}
      } catch (error) {
        const answer = errorAnswer(error)
        options.warn(`credential endpoint: ${(answer.body as {message: string}).message}`)
        return answer
      }
    },
  })
  return {url: endpoint.url, token, close: () => endpoint.close()}
}
