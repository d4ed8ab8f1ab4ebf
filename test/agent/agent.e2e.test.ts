import {execFile, spawnSync} from 'node:child_process'
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {request} from 'node:http'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {agentPaths} from '../../src/agent/agent-paths.js'
import {readAgentKeys} from '../../src/agent/agent-keys.js'
import {processAlive} from '../../src/util/process-alive.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {grepTree} from '../helpers/grep-tree.js'
import {REPO_ROOT, type Sandbox} from '../helpers/sandbox.js'
import {ids, profilesSandbox} from '../credentials/profiles-config.js'

const run = promisify(execFile)

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Record<string, string>
}

/** One GET on a fresh connection, with any headers (Host included). */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {agent: false, headers}, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => (text += d))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, string>}))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Running (a zombie, dead but not yet reaped by init, does not count). */
const alive = (pid: number) => processAlive(pid)

describe('keyless agent (built CLI, emulator, real keyring)', function () {
  this.timeout(240_000)
  let sb: Sandbox
  let stateFile: string
  let logFile: string
  const pids = new Set<number>()

  const envOf = async (profile: string, extra: string[] = []) => {
    const result = await sb.run(['agent', 'env', profile, '--json', ...extra])
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout) as Record<string, string>
  }
  const state = async () => JSON.parse(await readFile(stateFile, 'utf8')) as {pid?: number; port: number}
  const keys = async () => (await readAgentKeys(await openStore(sb.env, resolvePaths(sb.env))))!

  before(async () => {
    sb = await profilesSandbox()
    sb.env.XDG_RUNTIME_DIR = join(sb.home, 'run')
    sb.env.KEYLESS_NO_LOGIN = '1'
    await mkdir(sb.env.XDG_RUNTIME_DIR, {mode: 0o700})
    ;({stateFile, logFile} = agentPaths(sb.env, resolvePaths(sb.env)))
  })
  after(async () => {
    if (sb) {
      await sb.run(['agent', 'stop'])
      // Whatever happened above: no agent outlives the test.
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
      await sb.cleanup()
    }
  })
  afterEach(() => {
    sb.emulator.clearFaults()
    sb.emulator.setLifetimes({roleCredentialSeconds: 3600})
  })

  it('start, status, start again, stop; the state file is private and holds no token', async () => {
    const before = await sb.run(['agent', 'status'])
    expect(before.code).to.equal(1)
    expect(before.stdout).to.include('not running')

    const started = await sb.run(['agent', 'start'])
    expect(started.code, started.stderr).to.equal(0)
    const [, url, pid] = /Started keyless agent at (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+)\)/.exec(started.stdout) ?? []
    expect(url, started.stdout).to.be.a('string')
    pids.add(Number(pid))
    expect(alive(Number(pid))).to.equal(true)

    const again = await sb.run(['agent', 'start'])
    expect(again.stdout).to.include(`Already running: keyless agent at ${url} (pid ${pid})`)

    const status = await sb.run(['agent', 'status', '--json'])
    expect(status.code).to.equal(0)
    const json = JSON.parse(status.stdout) as {running: boolean; pid: number; url: string; profiles: unknown[]}
    expect(json).to.include({running: true, pid: Number(pid), url})

    expect(((await stat(stateFile)).mode & 0o777).toString(8)).to.equal('600')
    expect(((await stat(join(sb.env.XDG_RUNTIME_DIR!, 'keyless'))).mode & 0o777).toString(8)).to.equal('700')
    const k = await keys()
    expect(grepTree(sb.home, [k.client, k.control, k.grant])).to.deep.equal([])
    expect(await state()).to.include({pid: Number(pid), port: Number(new URL(url).port)})

    const second = await sb.run(['agent', 'run'])
    expect(second.code).to.equal(1)
    expect(second.stderr).to.include(`The agent already runs (pid ${pid}`)

    const stopped = await sb.run(['agent', 'stop'])
    expect(stopped.code, stopped.stderr).to.equal(0)
    expect(stopped.stderr).to.include(`Stopped the keyless agent (pid ${pid})`)
    expect(alive(Number(pid))).to.equal(false)
    expect((await sb.run(['agent', 'status'])).code).to.equal(1)
    // The port stays for the next start, so shells pointed at the agent keep working.
    const restarted = await sb.run(['agent', 'start', '--json'])
    const next = JSON.parse(restarted.stdout) as {pid: number; url: string}
    pids.add(next.pid)
    expect(next.url).to.equal(url)
    // --rotate: new keys at the next start; the old client token is refused.
    const rotated = await sb.run(['agent', 'stop', '--rotate'])
    expect(rotated.code, rotated.stderr).to.equal(0)
    expect(rotated.stderr).to.include('Deleted the agent\'s keys')
    const third = JSON.parse((await sb.run(['agent', 'start', '--json'])).stdout) as {pid: number}
    pids.add(third.pid)
    expect((await keys()).client).to.not.equal(k.client)
    expect((await get(`${url}/v1/credentials/dev`, {authorization: k.client})).status).to.equal(403)
    expect((await sb.run(['agent', 'stop'])).code).to.equal(0)
  })

  it('replaces a stale state file (its process is gone)', async () => {
    const dead = spawnSync('true').pid
    const port = (await state()).port
    await writeFile(stateFile, JSON.stringify({pid: dead, port, startedAt: 1}), {mode: 0o600})
    const status = await sb.run(['agent', 'status', '--json'])
    expect(JSON.parse(status.stdout)).to.include({running: false, stale: true})
    const started = await sb.run(['agent', 'start', '--json'])
    expect(started.code, started.stderr).to.equal(0)
    const json = JSON.parse(started.stdout) as {pid: number; started: boolean}
    pids.add(json.pid)
    expect(json.started).to.equal(true)
    expect(json.pid).to.not.equal(dead)
    expect((await state()).pid).to.equal(json.pid)
  })

  it('boto3, the JS SDK default chain and /usr/bin/aws get verified credentials through `agent env`', async () => {
    const vars = await envOf('dev')
    expect(Object.keys(vars)).to.deep.equal(['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'KEYLESS_PROFILE'])
    expect(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials\/dev$/)
    expect(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN).to.equal((await keys()).client)
    const env = {...sb.env, ...vars, AWS_PROFILE: undefined, AWS_CONFIG_FILE: join(sb.home, 'empty-config')} as NodeJS.ProcessEnv
    const arn = new RegExp(`^arn:aws:sts::${ids['workload-dev']}:assumed-role/AWSReservedSSO_ReadOnlyAccess`)

    const cli = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', sb.emulator.url, '--query', 'Arn', '--output', 'text'], {env})
    expect(cli.stdout.trim()).to.match(arn)

    const python = `import boto3, sys
s = boto3.session.Session()
c = s.get_credentials()
print(c.method)
print(s.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn'])`
    const boto = await run('/usr/bin/python3', ['-c', python, sb.emulator.url], {env})
    const [method, botoArn] = boto.stdout.trim().split('\n')
    expect(method).to.equal('container-role')
    expect(botoArn).to.match(arn)

    const js = `import {STSClient, GetCallerIdentityCommand} from '@aws-sdk/client-sts'
const out = await new STSClient({}).send(new GetCallerIdentityCommand({}))
console.log(out.Arn)`
    const node = await run(process.execPath, ['--input-type=module', '-e', js], {env, cwd: REPO_ROOT})
    expect(node.stdout.trim()).to.match(arn)
  })

  it('refuses a missing or wrong token, a foreign Host and an Origin header, and logs it without the token', async () => {
    const vars = await envOf('dev')
    const url = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI
    const token = vars.AWS_CONTAINER_AUTHORIZATION_TOKEN
    const port = new URL(url).port
    expect((await get(url)).status).to.equal(401)
    const wrong = await get(url, {authorization: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`})
    expect(wrong.status).to.equal(403)
    expect(wrong.body).to.include({code: 'Forbidden'})
    expect((await get(url, {authorization: (await keys()).control})).status).to.equal(403)
    expect((await get(url, {authorization: token, host: `rebind.attacker.example:${port}`})).status).to.equal(403)
    expect((await get(url, {authorization: token, origin: 'https://attacker.example'})).status).to.equal(403)
    const ok = await get(url, {authorization: token})
    expect(ok.status).to.equal(200)
    expect(Object.keys(ok.body)).to.deep.equal(['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'])
    const log = await readFile(logFile, 'utf8')
    expect(log).to.match(/refused GET \/v1\/credentials\/dev .*401 Unauthorized/)
    expect(log).to.match(/403 ForeignHost/)
    expect(log).to.match(/403 OriginRefused/)
    const k = await keys()
    expect(grepTree(sb.home, [k.client, k.control, k.grant, ok.body.SecretAccessKey, ok.body.Token])).to.deep.equal([])
  })

  it('50 parallel cold requests and 20 credential-process calls make one GetRoleCredentials', async () => {
    const vars = await envOf('shared-ro')
    const key = `${ids['shared-services']}/ReadOnlyAccess`
    expect(sb.emulator.count('GetRoleCredentials', key)).to.equal(0)
    const headers = {authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN}
    const [answers, processes] = await Promise.all([
      Promise.all(Array.from({length: 50}, () => get(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers))),
      // A long leash: on a loaded 2-core machine 20 Node starts at once can pass the default 60 s.
      Promise.all(Array.from({length: 20}, () => sb.run(['credential-process', '--profile', 'shared-ro'], {timeoutMs: 170_000}))),
    ])
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).to.equal(200)
    for (const p of processes) expect(p.code, p.stderr).to.equal(0)
    const ids_ = new Set([...answers.map((a) => a.body.AccessKeyId), ...processes.map((p) => (JSON.parse(p.stdout) as {AccessKeyId: string}).AccessKeyId)])
    expect(ids_.size).to.equal(1)
    expect(sb.emulator.count('GetRoleCredentials', key)).to.equal(1)
  })

  it('refreshes ahead of expiry: after the first request, every answer comes from memory with more than 15 minutes left', async () => {
    // 910 s credentials: 10 s outside the reuse window, so the agent must refresh within seconds.
    sb.emulator.setLifetimes({roleCredentialSeconds: 910})
    const vars = await envOf('network-admin')
    const key = `${ids.network}/AdministratorAccess`
    const headers = {authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN}
    const first = await get(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers)
    expect(first.status).to.equal(200)
    expect(first.headers['x-keyless-source']).to.equal('fetch')
    const seen = new Set([first.body.AccessKeyId])
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const answer = await get(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers)
      expect(answer.status).to.equal(200)
      expect(answer.headers['x-keyless-source'], `request ${i + 2}`).to.equal('memory')
      expect(Date.parse(answer.body.Expiration) - Date.now()).to.be.greaterThan(900_000)
      seen.add(answer.body.AccessKeyId)
    }
    // 15 s with 10 s of slack: refreshed at least once in the background.
    expect(seen.size).to.be.greaterThan(1)
    // Every fetch was served, except at most one background refresh that landed after the last request.
    expect(sb.emulator.count('GetRoleCredentials', key)).to.be.within(seen.size, seen.size + 1)
    const status = JSON.parse((await sb.run(['agent', 'status', '--json'])).stdout) as {counters: {refreshed: number}}
    expect(status.counters.refreshed).to.be.greaterThan(0)
  })

  it('serves a guarded profile only with the token the guard\'s confirmation hands out', async () => {
    const plain = await envOf('dev')
    const prodUrl = plain.AWS_CONTAINER_CREDENTIALS_FULL_URI.replace(/dev$/, 'prod-ro')
    const refused = await get(prodUrl, {authorization: plain.AWS_CONTAINER_AUTHORIZATION_TOKEN})
    expect(refused.status).to.equal(403)
    expect(refused.body.code).to.equal('ConfirmationRequired')
    expect(refused.body.message).to.include('keyless switch prod-ro')

    const unconfirmed = await sb.run(['agent', 'env', 'prod-ro'])
    expect(unconfirmed.code).to.equal(2)
    expect(unconfirmed.stdout).to.equal('')
    expect(unconfirmed.stderr).to.match(/guarded .*no terminal to confirm on.*--yes/)

    const granted = await envOf('prod-ro', ['--yes'])
    expect(granted.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.equal(prodUrl)
    expect(granted.AWS_CONTAINER_AUTHORIZATION_TOKEN).to.not.equal(plain.AWS_CONTAINER_AUTHORIZATION_TOKEN)
    expect(granted.KEYLESS_ENVIRONMENT).to.equal('prod')
    const ok = await get(prodUrl, {authorization: granted.AWS_CONTAINER_AUTHORIZATION_TOKEN})
    expect(ok.status).to.equal(200)
    // The grant unlocks that profile only (and works for nothing guarded under another name).
    const other = await get(plain.AWS_CONTAINER_CREDENTIALS_FULL_URI.replace(/dev$/, 'shared-ro'), {authorization: granted.AWS_CONTAINER_AUTHORIZATION_TOKEN})
    expect(other.status).to.equal(403)
  })

  it('exec --server uses the running agent (guarded: the grant after --yes); a script inside gets verified credentials', async () => {
    const script = `printf '%s\\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; /usr/bin/aws sts get-caller-identity --endpoint-url ${sb.emulator.url} --query Arn --output text; printf '%s\\n' "$AWS_CONTAINER_AUTHORIZATION_TOKEN"`
    const result = await sb.run(['exec', '--server', 'dev', '--', 'sh', '-c', script])
    expect(result.code, result.stderr).to.equal(0)
    const [uri, arn, token] = result.stdout.trim().split('\n')
    // The child's token is for dev only: not the agent's client token, and no other profile with it.
    expect(token).to.not.equal((await keys()).client)
    expect((await get(uri.replace(/dev$/, 'shared-ro'), {authorization: token})).status).to.equal(403)
    const port = (await state()).port
    expect(uri).to.equal(`http://127.0.0.1:${port}/v1/credentials/dev`)
    expect(arn).to.match(new RegExp(`^arn:aws:sts::${ids['workload-dev']}:assumed-role/AWSReservedSSO_ReadOnlyAccess`))
    const prod = await sb.run(['exec', '--agent', '--yes', 'prod-ro', '--', 'sh', '-c', script])
    expect(prod.code, prod.stderr).to.equal(0)
    expect(prod.stdout.trim().split('\n')[1]).to.match(new RegExp(`^arn:aws:sts::${ids['workload-prod']}:assumed-role/AWSReservedSSO_ReadOnlyAccess`))
  })

  it('logout: the agent stops serving that session at once, naming `keyless login --session`', async () => {
    const vars = await envOf('dev')
    const headers = {authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN}
    expect((await get(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers)).headers['x-keyless-source']).to.equal('memory')
    const logout = await sb.run(['logout', '--session', 'emulator'])
    expect(logout.code, logout.stderr).to.equal(0)
    const after = await get(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers)
    expect(after.status).to.equal(403)
    expect(after.body.code).to.equal('LoginRequired')
    expect(after.body.message).to.include('keyless login --session emulator')
    const cli = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--endpoint-url', sb.emulator.url], {env: {...sb.env, ...vars, AWS_CONFIG_FILE: join(sb.home, 'empty-config')} as NodeJS.ProcessEnv}).catch((error: {stderr: string}) => error)
    expect((cli as {stderr: string}).stderr).to.include('keyless login --session emulator')
  })

  it('without --no-login, a request that needs a sign-in opens one browser tab for every caller', async () => {
    expect((await sb.run(['agent', 'stop'])).code).to.equal(0)
    const started = await sb.run(['agent', 'start', '--json'], {env: {KEYLESS_NO_LOGIN: undefined}})
    expect(started.code, started.stderr).to.equal(0)
    pids.add((JSON.parse(started.stdout) as {pid: number}).pid)
    const vars = await envOf('security-ro')
    const browserBefore = sb.browserCalls().length
    const authorizations = sb.emulator.count('StartDeviceAuthorization')
    const [answers, processes] = await Promise.all([
      Promise.all(Array.from({length: 10}, () => get(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, {authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN}))),
      Promise.all(Array.from({length: 5}, () => sb.run(['credential-process', '--profile', 'security-ro'], {env: {KEYLESS_NO_LOGIN: undefined}}))),
    ])
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).to.equal(200)
    for (const p of processes) expect(p.code, p.stderr).to.equal(0)
    expect(sb.emulator.count('StartDeviceAuthorization') - authorizations).to.equal(1)
    expect(sb.browserCalls().length - browserBefore).to.equal(1)
    expect(sb.emulator.count('GetRoleCredentials', `${ids.security}/ReadOnlyAccess`)).to.equal(1)
  })
})
