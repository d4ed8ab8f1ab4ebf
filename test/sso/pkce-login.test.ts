import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {ExitCode, KeylessError} from '../../src/errors.js'
import {startLoopbackServer} from '../../src/sso/loopback-server.js'
import {pkceLogin} from '../../src/sso/pkce-login.js'
import {authorizeUrl, createPkcePair} from '../../src/sso/pkce-pair.js'
import {fakeDeps, session} from './fakes.js'

/** A "browser" that, like the IdP after approval, sends the code to the redirect URI of the authorize URL. */
function redirectingBrowser(answer: (url: URL) => Record<string, string>, seen: string[]) {
  return async (raw: string) => {
    seen.push(raw)
    const url = new URL(raw)
    const target = new URL(url.searchParams.get('redirect_uri')!)
    for (const [k, v] of Object.entries(answer(url))) target.searchParams.set(k, v)
    void fetch(target).then((r) => r.text())
  }
}

describe('sso/pkce-login', () => {
  it('creates a verifier of 43 base64url characters and its S256 challenge', () => {
    const {verifier, challenge} = createPkcePair()
    expect(verifier).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(challenge).to.equal(createHash('sha256').update(verifier).digest('base64url'))
    expect(createPkcePair().verifier).not.to.equal(verifier)
  })

  it('builds the authorize URL on the OIDC endpoint with the AWS CLI parameters', () => {
    const url = new URL(authorizeUrl({endpoint: 'http://127.0.0.1:9/oidc', clientId: 'c1', redirectUri: 'http://127.0.0.1:5/oauth/callback', state: 's', challenge: 'ch', scopes: ['sso:account:access', 'x:y']}))
    expect(url.origin + url.pathname).to.equal('http://127.0.0.1:9/oidc/authorize')
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({
      response_type: 'code',
      client_id: 'c1',
      redirect_uri: 'http://127.0.0.1:5/oauth/callback',
      state: 's',
      code_challenge_method: 'S256',
      code_challenge: 'ch',
      scopes: 'sso:account:access x:y',
    })
  })

  it('registers for authorization_code, and exchanges the code with the verifier of the challenge it sent', async () => {
    const f = fakeDeps({env: {HOME: '/nonexistent', AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:4566/'}})
    const seen: string[] = []
    f.deps.sleep = (ms) => new Promise((r) => setTimeout(r, ms))
    f.deps.openBrowser = redirectingBrowser((url) => ({code: 'the-code', state: url.searchParams.get('state')!}), seen)
    const token = await pkceLogin(session, {}, f.deps)
    expect(token.accessToken).to.equal(f.oidc.issued[0].accessToken)
    const register = f.oidc.calls.find((c) => c.op === 'RegisterClientCommand')!.input
    expect(register).to.deep.include({grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: session.startUrl})
    const url = new URL(seen[0])
    expect(url.origin + url.pathname).to.equal('http://127.0.0.1:4566/authorize')
    const exchange = f.oidc.calls.find((c) => c.op === 'CreateTokenCommand')!.input
    expect(exchange).to.include({grantType: 'authorization_code', code: 'the-code', redirectUri: url.searchParams.get('redirect_uri')})
    expect(createHash('sha256').update(String(exchange.codeVerifier)).digest('base64url')).to.equal(url.searchParams.get('code_challenge'))
    expect(url.searchParams.get('redirect_uri')).to.match(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
    expect(f.stderr.text()).to.include(seen[0])
  })

  it('reports access_denied from the redirect as a denial (exit 4)', async () => {
    const f = fakeDeps()
    f.deps.openBrowser = redirectingBrowser((url) => ({error: 'access_denied', error_description: 'The user denied the request', state: url.searchParams.get('state')!}), [])
    const error = (await pkceLogin(session, {}, f.deps).catch((e: unknown) => e)) as KeylessError
    expect(error).to.be.instanceOf(KeylessError)
    expect(error.exit).to.equal(ExitCode.accessDenied)
    expect(error.line).to.include('AccessDeniedException: The user denied the request')
    expect(f.oidc.count('CreateTokenCommand')).to.equal(0)
  })

  it('times out when the browser never comes back', async () => {
    const f = fakeDeps()
    const error = (await pkceLogin(session, {timeoutMs: 200}, f.deps).catch((e: unknown) => e)) as KeylessError
    expect(error.exit).to.equal(ExitCode.loginRequired)
    expect(error.line).to.match(/No answer from the browser.*--flow device/)
  })

  it('the loopback server refuses a wrong state and keeps waiting for the right one', async () => {
    const server = await startLoopbackServer({state: 'right', timeoutMs: 5000})
    try {
      const wrong = await fetch(`${server.redirectUri}?code=evil&state=wrong`)
      expect(wrong.status).to.equal(400)
      const missing = await fetch(`${server.redirectUri}?code=evil`)
      expect(missing.status).to.equal(400)
      const other = await fetch(server.redirectUri.replace('/oauth/callback', '/favicon.ico'))
      expect(other.status).to.equal(404)
      const right = await fetch(`${server.redirectUri}?code=good&state=right`)
      expect(right.status).to.equal(200)
      expect(await right.text()).to.include('Signed in to keyless')
      expect(await server.code).to.equal('good')
    } finally {
      await server.close()
    }
  })

  describe('paste-back (the browser cannot reach the loopback port)', () => {
    /** A terminal the test types into: `answer(prompt, url)` gives each line from what was printed so far. */
    function fakeTerminal(interactive: boolean, answer: (authorize: URL, asked: number) => string | undefined, printed: () => string) {
      const writes: string[] = []
      let asked = 0
      let closed = false
      return {
        writes,
        get closed() {
          return closed
        },
        interactive,
        ownOutput: false,
        write: (text: string) => void writes.push(text),
        async ask(prompt: string) {
          writes.push(prompt)
          const match = /https?:\/\/\S+\/authorize\?\S+/.exec(printed())
          return answer(new URL(match![0]), asked++)
        },
        close: () => void (closed = true),
      }
    }
    const redirect = (authorize: URL, params: Record<string, string>) => {
      const target = new URL(authorize.searchParams.get('redirect_uri')!)
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v)
      return target.toString()
    }

    it('refuses a wrong state and an address of another port, asks again, then signs in with the pasted code', async () => {
      const f = fakeDeps()
      const t = fakeTerminal(true, (url, n) => {
        const state = url.searchParams.get('state')!
        if (n === 0) return redirect(url, {code: 'evil', state: 'forged'})
        if (n === 1) return redirect(url, {code: 'x', state}).replace(/:\d+\//, ':1/')
        if (n === 2) return ''
        return redirect(url, {code: 'pasted-code', state})
      }, () => f.stderr.text())
      const token = await pkceLogin(session, {noBrowser: true, paste: t}, f.deps)
      expect(token.accessToken).to.equal(f.oidc.issued[0].accessToken)
      expect(f.browser).to.deep.equal([])
      expect(f.stderr.text()).to.include('open this URL in a browser (on any machine)').and.include('paste it here')
      const refusals = t.writes.filter((w) => w.startsWith('keyless: '))
      expect(refusals).to.have.length(2)
      expect(refusals[0]).to.include('state in that address is not this sign-in')
      expect(refusals[1]).to.include('another sign-in (port 1;')
      expect(f.oidc.calls.filter((c) => c.op === 'CreateTokenCommand').map((c) => c.input.code)).to.deep.equal(['pasted-code'])
    })

    it('from a pipe, one refused address ends the sign-in with one line (exit 2)', async () => {
      const f = fakeDeps()
      const t = fakeTerminal(false, (url) => redirect(url, {code: 'evil', state: 'forged'}), () => f.stderr.text())
      const error = (await pkceLogin(session, {noBrowser: true, paste: t}, f.deps).catch((e: unknown) => e)) as KeylessError
      expect(error).to.be.instanceOf(KeylessError)
      expect(error.exit).to.equal(ExitCode.usage)
      expect(error.line).to.match(/^The pasted address was refused: the state in that address is not this sign-in's/)
      expect(f.oidc.count('CreateTokenCommand')).to.equal(0)
    })

    it('an error pasted back is a denial like the loopback\'s (exit 4)', async () => {
      const f = fakeDeps()
      const t = fakeTerminal(true, (url) => redirect(url, {error: 'access_denied', error_description: 'no', state: url.searchParams.get('state')!}), () => f.stderr.text())
      const error = (await pkceLogin(session, {noBrowser: true, paste: t}, f.deps).catch((e: unknown) => e)) as KeylessError
      expect(error.exit).to.equal(ExitCode.accessDenied)
    })

    it('the loopback redirect still wins when it comes first (end of input on the pipe)', async () => {
      const f = fakeDeps()
      f.deps.openBrowser = redirectingBrowser((url) => ({code: 'loopback-code', state: url.searchParams.get('state')!}), [])
      const t = fakeTerminal(false, () => undefined, () => f.stderr.text())
      await pkceLogin(session, {paste: t}, f.deps)
      expect(f.oidc.calls.filter((c) => c.op === 'CreateTokenCommand').map((c) => c.input.code)).to.deep.equal(['loopback-code'])
    })
  })
})
