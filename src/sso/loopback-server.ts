import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export const CALLBACK_PATH = '/oauth/callback'

export interface LoopbackServer {
  /** http://127.0.0.1:PORT/oauth/callback */
  redirectUri: string
  /**
   * The authorization code, once the browser arrives with the right `state`. Rejects with the
   * OAuth error (`{error, error_description}`) when the browser brings one, or on timeout.
   */
  code: Promise<string>
  close(): Promise<void>
}

export interface OAuthRedirectError {
  name: string
  error: string
  error_description?: string
}

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`

/**
 * The redirect target of the PKCE flow: a one-shot HTTP server on 127.0.0.1 with a random port.
 * Requests with a wrong or missing `state` are refused (400) and do not end the wait.
 */
export async function startLoopbackServer(options: {state: string; timeoutMs: number}): Promise<LoopbackServer> {
  let settle: {resolve: (code: string) => void; reject: (error: unknown) => void} | undefined
  const code = new Promise<string>((resolve, reject) => {
    settle = {resolve, reject}
  })
  code.catch(() => {})
  let done = false
  const finish = (fn: () => void) => {
    if (done) return
    done = true
    fn()
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const reply = (status: number, title: string, text: string) => {
      res.writeHead(status, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close'})
      res.end(page(title, text))
    }
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) return reply(404, 'Not found', 'This is the keyless sign-in callback.')
    if (url.searchParams.get('state') !== options.state) {
      return reply(400, 'Sign-in not accepted', 'The request did not come from this sign-in (state mismatch). Start again with keyless login.')
    }
    const error = url.searchParams.get('error')
    if (error) {
      reply(400, 'Sign-in failed', `The sign-in ended with ${error}. You can close this tab.`)
      const description = url.searchParams.get('error_description') ?? undefined
      const name = error.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + 'Exception'
      const failure: OAuthRedirectError = {name, error, ...(description ? {error_description: description} : {})}
      return finish(() => settle?.reject(failure))
    }
    const value = url.searchParams.get('code')
    if (!value) return reply(400, 'Sign-in not accepted', 'No authorization code in the request.')
    reply(200, 'Signed in to keyless', 'You can close this tab and return to the terminal.')
    finish(() => settle?.resolve(value))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  const timer = setTimeout(() => {
    finish(() => settle?.reject({name: 'TimeoutError', error: 'timeout', error_description: 'no answer from the browser'}))
  }, options.timeoutMs)
  timer.unref()

  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    code,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer)
        finish(() => settle?.reject({name: 'Cancelled', error: 'cancelled'}))
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
