import {GetRoleCredentialsCommand} from '@aws-sdk/client-sso'
import {CreateTokenCommand} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createTcpServer, type Server as TcpServer, type Socket} from 'node:net'
import {toCredentialError} from '../../src/credentials/to-credential-error.js'
import {KeylessError} from '../../src/errors.js'
import {oidcFailure} from '../../src/sso/oidc-failure.js'
import {callBudgetMs, createClientFactory, defaultNetworkBounds, networkBoundsFrom} from '../../src/util/aws-clients.js'
import {classifyAwsError, printable} from '../../src/util/classify-aws-error.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** A local HTTP server answering every request with `handler`; its base URL. */
async function serve(handler: Handler): Promise<{url: string; server: Server}> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {url: `http://127.0.0.1:${port}`, server}
}

/** Accepts connections and never answers (a stalled proxy, a black-holed route). */
async function silentListener(): Promise<{url: string; server: TcpServer; sockets: Socket[]}> {
  const sockets: Socket[] = []
  const server = createTcpServer((socket) => void sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {url: `http://127.0.0.1:${port}`, server, sockets}
}

const credentials = {service: 'the SSO portal', target: 'role ReadOnly in account 111111111111', deniedHint: 'Ask for the role.'}
const getRole = new GetRoleCredentialsCommand({accessToken: 'tok', accountId: '111111111111', roleName: 'ReadOnly'})

describe('classifyAwsError: one reading of every AWS failure (real SDK clients against local servers)', function () {
  this.timeout(30_000)
  const closers: Array<() => void> = []
  const env = (url: string) => {
    process.env.AWS_ENDPOINT_URL_SSO = url
    process.env.AWS_ENDPOINT_URL_SSO_OIDC = url
  }
  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL_SSO
    delete process.env.AWS_ENDPOINT_URL_SSO_OIDC
    for (const close of closers.splice(0)) close()
  })

  it('a captive portal (302 to an HTML page) is not an AWS answer: exit 6 naming status, content type and endpoint', async () => {
    const {url, server} = await serve((_req, res) => {
      res.writeHead(302, {location: 'http://portal.example/login', 'content-type': 'text/html'})
      res.end('<html><body>Please sign in\u001b[2J</body></html>')
    })
    closers.push(() => server.close())
    env(url)
    const client = await createClientFactory().portal('eu-west-1')
    const error = await client.send(getRole).catch((e: unknown) => e)
    const facts = classifyAwsError(error)
    expect(facts).to.include({kind: 'not-aws', status: 302, contentType: 'text/html'})
    expect(facts.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+\/federation\/credentials$/)
    const line = toCredentialError(error, credentials) as KeylessError
    expect(line.exit).to.equal(6)
    expect(line.message).to.equal(`The SSO portal did not answer like AWS for role ReadOnly in account 111111111111 (HTTP 302 text/html from ${facts.endpoint}): a proxy or captive portal?`)
  })

  it('a proxy page with 200 or 403 text/html is neither success nor "access denied"', async () => {
    for (const status of [200, 403]) {
      const {url, server} = await serve((_req, res) => {
        res.writeHead(status, {'content-type': 'text/html; charset=utf-8'})
        res.end('<html>blocked by policy</html>')
      })
      closers.push(() => server.close())
      env(url)
      const error = await (await createClientFactory().portal('eu-west-1')).send(getRole).catch((e: unknown) => e)
      expect(classifyAwsError(error), `HTTP ${status}`).to.include({kind: 'not-aws', status, contentType: 'text/html'})
      const line = toCredentialError(error, credentials) as KeylessError
      expect(line.exit, `HTTP ${status}`).to.equal(6)
      expect(line.message).to.match(new RegExp(`\\(HTTP ${status} text/html from http://127\\.0\\.0\\.1:\\d+/federation/credentials\\): a proxy or captive portal\\?$`))
      // the same at sign-in
      const oidc = await createClientFactory({maxAttempts: 1}).oidc('eu-west-1')
      const signIn = await oidc.send(new CreateTokenCommand({clientId: 'c', clientSecret: 's', grantType: 'refresh_token', refreshToken: 'r'})).catch((e: unknown) => e)
      const failure = oidcFailure('Refreshing the token of session "corp"', signIn)
      expect(failure.exit).to.equal(6)
      expect(failure.message).to.match(/^The sign-in service did not answer like AWS for refreshing the token of session "corp" \(HTTP \d+ text\/html from http:\/\/127\.0\.0\.1:\d+\/token\): a proxy or captive portal\?$/)
    }
  })

  it('the same 5xx fault exits 6 at sign-in and at the portal', async () => {
    let requests = 0
    const {url, server} = await serve((_req, res) => {
      requests++
      res.writeHead(500, {'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException'})
      res.end(JSON.stringify({message: 'boom\nsecond line'}))
    })
    closers.push(() => server.close())
    env(url)
    const factory = createClientFactory({maxAttempts: 2})
    const portal = await (await factory.portal('eu-west-1')).send(getRole).catch((e: unknown) => e)
    const oidc = await (await factory.oidc('eu-west-1')).send(new CreateTokenCommand({clientId: 'c', clientSecret: 's', grantType: 'refresh_token', refreshToken: 'r'})).catch((e: unknown) => e)
    expect(classifyAwsError(portal)).to.include({kind: 'unavailable', status: 500})
    expect(classifyAwsError(oidc)).to.include({kind: 'unavailable', status: 500})
    const atPortal = toCredentialError(portal, credentials) as KeylessError
    const atSignIn = oidcFailure('Refreshing the token of session "corp"', oidc)
    expect([atPortal.exit, atSignIn.exit]).to.deep.equal([6, 6])
    expect(atSignIn.message).to.equal('The sign-in service kept failing for refreshing the token of session "corp": InternalServerException (HTTP 500) after 2 attempts.')
    expect(requests).to.equal(4)
  })

  it('an endpoint that accepts and never answers ends within the bounds with "Cannot reach …" (exit 6)', async () => {
    const {url, server, sockets} = await silentListener()
    closers.push(() => {
      for (const s of sockets) s.destroy()
      server.close()
    })
    env(url)
    const bounds = {connectMs: 200, attemptMs: 300, maxAttempts: 2}
    const error = await (await createClientFactory({bounds}).portal('eu-west-1')).send(getRole).catch((e: unknown) => e)
    expect(classifyAwsError(error)).to.include({kind: 'network', code: 'ETIMEDOUT'})
    const line = toCredentialError(error, credentials) as KeylessError
    expect(line.exit).to.equal(6)
    expect(line.message).to.match(/^Cannot reach the SSO portal at http:\/\/127\.0\.0\.1:\d+\/federation\/credentials for role ReadOnly in account 111111111111 \(ETIMEDOUT\) after 2 attempts\.$/)
    // the call ended (the test would time out otherwise) after each attempt had its own connection
    expect(sockets.length).to.equal(2)
  })

  it('the production bounds: connect 3 s, 6 s an attempt, 5 attempts, a whole call well under a minute', async () => {
    expect(defaultNetworkBounds).to.deep.equal({connectMs: 3_000, attemptMs: 6_000, maxAttempts: 5})
    expect(callBudgetMs()).to.equal(5 * 6_000 + 1_000 + 2_000 + 4_000 + 8_000)
    expect(callBudgetMs()).to.be.below(50_000)
    expect(networkBoundsFrom({})).to.equal(defaultNetworkBounds)
    expect(networkBoundsFrom({KEYLESS_REQUEST_TIMEOUT_MS: 'soon'})).to.equal(defaultNetworkBounds)
    expect(networkBoundsFrom({KEYLESS_REQUEST_TIMEOUT_MS: '500'})).to.deep.equal({connectMs: 500, attemptMs: 500, maxAttempts: 5})
    // what the SDK really builds its handler from, for each client
    const factory = createClientFactory()
    for (const client of [await factory.portal('eu-west-1'), await factory.oidc('eu-west-1'), await factory.sts('eu-west-1', {accessKeyId: 'a', secretAccessKey: 'b'})]) {
      const handler = client.config.requestHandler as unknown as {configProvider: Promise<Record<string, unknown>>}
      expect(await handler.configProvider).to.include({connectionTimeout: 3_000, requestTimeout: 6_000, throwOnRequestTimeout: true})
      expect(await client.config.maxAttempts()).to.equal(5)
    }
  })

  it('reads network, throttling, 401, 403 and unknown answers from plain error shapes', () => {
    expect(classifyAwsError(Object.assign(new Error('x'), {code: 'ECONNREFUSED'})).kind).to.equal('network')
    expect(classifyAwsError({name: 'TimeoutError'}).kind).to.equal('network')
    expect(classifyAwsError({name: 'TooManyRequestsException', $metadata: {httpStatusCode: 429}}).kind).to.equal('throttled')
    expect(classifyAwsError({name: 'UnauthorizedException', $metadata: {httpStatusCode: 401}}).kind).to.equal('unauthorized')
    expect(classifyAwsError({name: 'ForbiddenException', $metadata: {httpStatusCode: 403}}).kind).to.equal('denied')
    expect(classifyAwsError({name: 'ValidationException', message: 'bad\u001b[31m\nmore', $metadata: {httpStatusCode: 400}})).to.include({kind: 'other', detail: 'bad [31m'})
    expect(classifyAwsError(undefined).kind).to.equal('other')
  })
})

describe('printable', () => {
  it('masks access key ids in server text, as every other place shows them', () => {
    expect(printable('The access key id AKIASTIR66GY62GT6LY7 is not valid.\nmore')).to.equal('The access key id AKIA****6LY7 is not valid. more')
    expect(printable('session ASIAXXXXXXXXXXXX1234 expired')).to.equal('session ASIA****1234 expired')
  })
})
