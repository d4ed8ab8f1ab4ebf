import {request as httpRequest} from 'node:http'
import {expect} from 'chai'
import type {AwsCredentials} from '../../src/credentials/credential-types.js'
import {LoginRequiredError} from '../../src/errors.js'
import {startCredentialServer} from '../../src/exec/start-credential-server.js'

/** One GET on a fresh connection (no keep-alive pool shared between test servers). */
function get(url: string, authorization?: string, extra: Record<string, string> = {}): Promise<{status: number; headers: Record<string, unknown>; json: () => unknown}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {agent: false, headers: {...(authorization === undefined ? {} : {authorization}), ...extra}}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, json: () => JSON.parse(body)}))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('startCredentialServer', () => {
  let calls = 0
  let fail = false
  const provider = async (): Promise<AwsCredentials> => {
    calls++
    await new Promise((r) => setTimeout(r, 20))
    if (fail) throw new LoginRequiredError('corp')
    return {accessKeyId: `ASIA${calls}`, secretAccessKey: `secret-${calls}`, sessionToken: `token-${calls}`, expiresAt: Date.parse('2026-11-22T13:00:00Z')}
  }
  const warnings: string[] = []
  let server: Awaited<ReturnType<typeof startCredentialServer>>
  beforeEach(async () => {
    calls = 0
    fail = false
    warnings.length = 0
    server = await startCredentialServer(provider, {warn: (m) => warnings.push(m)})
  })
  afterEach(async () => {
    await server.close()
  })

  it('listens on 127.0.0.1 with a random port and a long random token', () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(server.token).to.match(/^[A-Za-z0-9_-]{43}$/)
  })

  it('serves the container-credentials format to a request with the token', async () => {
    const response = await get(server.url, server.token)
    expect(response.status).to.equal(200)
    expect(response.headers['cache-control']).to.equal('no-store')
    expect(response.json()).to.deep.equal({AccessKeyId: 'ASIA1', SecretAccessKey: 'secret-1', Token: 'token-1', Expiration: '2026-11-22T13:00:00.000Z'})
  })

  it('refuses requests without the token (401) or with a wrong one (403), without calling the provider', async () => {
    expect((await get(server.url)).status).to.equal(401)
    expect((await get(server.url, (server.token.startsWith('x') ? 'y' : 'x') + server.token.slice(1))).status).to.equal(403)
    expect((await get(server.url, 'short')).status).to.equal(403)
    expect(calls).to.equal(0)
  })

  it('refuses a foreign Host (DNS rebinding), an Origin header and a body with 403/413, without calling the provider', async () => {
    expect((await get(server.url, server.token, {host: 'evil.example:80'})).status).to.equal(403)
    expect((await get(server.url, server.token, {host: `attacker.test:${new URL(server.url).port}`})).status).to.equal(403)
    expect((await get(server.url, server.token, {origin: 'https://evil.example'})).status).to.equal(403)
    expect((await get(server.url, server.token, {'content-length': '5'})).status).to.be.oneOf([400, 413])
    expect((await get(server.url.replace('127.0.0.1', 'localhost'), server.token)).status).to.equal(200)
    expect(calls).to.equal(1)
  })

  it('asks the provider on each request (the cache decides), one at a time for simultaneous requests', async () => {
    const key = () => get(server.url, server.token).then((r) => (r.json() as {AccessKeyId: string}).AccessKeyId)
    expect(await Promise.all([key(), key(), key()])).to.deep.equal(['ASIA1', 'ASIA1', 'ASIA1'])
    expect(await key()).to.equal('ASIA2')
  })

  it('answers 403 with the one-line reason when the session is gone, and tells the user', async () => {
    fail = true
    const response = await get(server.url, server.token)
    expect(response.status).to.equal(403)
    const message = 'Session "corp": no valid session. Run `keyless login --session corp`.'
    expect(response.json()).to.deep.equal({code: 'LoginRequired', message, Code: 'LoginRequired', Message: message})
    expect(warnings).to.deep.equal(['credential endpoint: Session "corp": no valid session. Run `keyless login --session corp`.'])
  })
})
