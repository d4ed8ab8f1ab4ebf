import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import {callBudgetMs, networkBoundsFrom} from '../../src/util/aws-clients.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

/**
 * #14.7: an endpoint that accepts and never answers (a stalled proxy, a black-holed route) must not
 * hang keyless. The built CLI against a silent TCP listener on 127.0.0.1, with a short attempt bound
 * (KEYLESS_REQUEST_TIMEOUT_MS; the production bounds are tested in test/util/classify-aws-error.test.ts).
 */
describe('a silent endpoint (accepts, never answers): every command ends within its bound (built CLI)', function () {
  this.timeout(180_000)
  let t: SignedIn
  let silent: Server
  const sockets: Socket[] = []
  let stalled: NodeJS.ProcessEnv
  const attemptMs = 400
  // The bound a run must end within: its calls' budgets, plus the CLI's start-up on a loaded machine.
  const bound = (calls: number) => calls * callBudgetMs(networkBoundsFrom({KEYLESS_REQUEST_TIMEOUT_MS: String(attemptMs)})) + 20_000

  before(async () => {
    t = await signedInSandbox({sync: true})
    silent = createServer((socket) => void sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(silent.address() as {port: number}).port}`
    stalled = {...t.env, AWS_ENDPOINT_URL_SSO: url, AWS_ENDPOINT_URL_SSO_OIDC: url, AWS_ENDPOINT_URL_STS: url, KEYLESS_REQUEST_TIMEOUT_MS: String(attemptMs)}
  })
  after(async () => {
    for (const s of sockets) s.destroy()
    silent?.close()
    await t?.cleanup()
  })

  const timed = async (args: string[]) => {
    const started = Date.now()
    const r = await t.sb.run(args, {env: stalled, timeoutMs: 170_000})
    return {...r, ms: Date.now() - started}
  }

  it('credential-process: "Cannot reach the SSO portal at …" and exit 6', async () => {
    const config = await readFile(t.sb.configFile, 'utf8')
    const profile = /\[profile ([^\]]+)\][^[]*credential_process/.exec(config)?.[1]
    expect(profile, config).to.be.a('string')
    const before = sockets.length
    const r = await timed(['credential-process', '--profile', profile!])
    expect(r.signal).to.equal(null)
    expect(r.code, r.stderr).to.equal(6)
    expect(r.stdout).to.equal('')
    expect(r.stderr).to.match(/^keyless: Cannot reach the SSO portal at http:\/\/127\.0\.0\.1:\d+\/federation\/credentials for role .* \(ETIMEDOUT\) after 5 attempts\./)
    expect(r.stderr.trimEnd().split('\n')).to.have.length(1)
    expect(sockets.length - before).to.equal(5)
    expect(r.ms).to.be.below(bound(1))
  })

  it('list --refresh: exit 6 after its own bounded retries', async () => {
    const r = await timed(['list', '--refresh'])
    expect(r.signal).to.equal(null)
    expect(r.code, r.stderr).to.equal(6)
    expect(r.stderr).to.match(/Listing the accounts of session "corp" failed after \d+ attempts: TimeoutError/)
    expect(r.ms).to.be.below(bound(4))
  })

  it('login --force: "cannot reach the sign-in service" and exit 6, no browser opened', async () => {
    const opened = t.sb.browserCalls().length
    const r = await timed(['login', '--force'])
    expect(r.signal).to.equal(null)
    expect(r.code, r.stderr).to.equal(6)
    expect(r.stderr).to.match(/cannot reach the sign-in service at http:\/\/127\.0\.0\.1:\d+\/ \(ETIMEDOUT\)|cannot reach the sign-in service at http:\/\/127\.0\.0\.1:\d+\/[a-z_/]* \(ETIMEDOUT\)/)
    expect(t.sb.browserCalls()).to.have.length(opened)
    expect(r.ms).to.be.below(bound(1))
  })

  it('logout: removes the secrets first, then gives up on the portal after one short attempt (best effort, exit 0)', async () => {
    const before = sockets.length
    const r = await timed(['logout', '--session', 'corp'])
    expect(r.signal).to.equal(null)
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).to.match(/^Logged out of session "corp": \d+ secrets? removed from the file store\.$/)
    expect(lines[1]).to.equal('Could not reach the AWS access portal to end the sign-in of "corp"; the local secrets are removed.')
    expect(sockets.length - before).to.equal(1)
    expect(r.ms).to.be.below(bound(1))
    // nothing left: a second logout finds no secret
    const again = await t.sb.run(['logout', '--session', 'corp'], {env: t.env})
    expect(again.stderr).to.include('0 secrets removed')
  })
})
