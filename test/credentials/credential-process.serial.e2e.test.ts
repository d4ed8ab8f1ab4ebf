import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {expect} from 'chai'
import {lockName} from '../../src/lock/lock-name.js'
import {serveCachedCredentials} from '../../src/hot-path/serve-cached-credentials.js'
import {storeKeys} from '../../src/store/keys.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {EXTERNAL_AUDITOR_ROLE_ARN, DEV_DEPLOYER_ROLE_ARN} from '../emulator/organization.js'
import {grepTree} from '../helpers/grep-tree.js'
import {CLI_ENTRY, createSandbox, type RunResult, type Sandbox} from '../helpers/sandbox.js'
import {ids, profilesConfig, profilesSandbox} from './profiles-config.js'

const recordImports = join(import.meta.dirname, 'fixtures', 'record-imports.mjs')

interface ProcessJson {
  Version: number
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  Expiration: string
}

/** The exact credential_process output: these keys in this order, nothing before or after. */
function expectProcessJson(result: RunResult): ProcessJson {
  expect(result.code, result.stderr).to.equal(0)
  const parsed = JSON.parse(result.stdout) as ProcessJson
  expect(Object.keys(parsed)).to.deep.equal(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
  expect(result.stdout).to.equal(JSON.stringify(parsed))
  expect(parsed.Version).to.equal(1)
  expect(parsed.AccessKeyId).to.match(/^ASIA[A-Z0-9]{16}$/)
  expect(parsed.Expiration).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  return parsed
}

describe('keyless credential-process (built CLI, emulator, real keyring)', function () {
  this.timeout(180_000)
  let sb: Sandbox
  const cp = (profile: string, extra: string[] = [], env?: NodeJS.ProcessEnv) => sb.run(['credential-process', '--profile', profile, ...extra], {env})

  before(async () => {
    sb = await profilesSandbox()
  })
  after(async () => {
    await sb?.cleanup()
  })
  afterEach(() => {
    sb.emulator.clearFaults()
    sb.emulator.setLifetimes({roleCredentialSeconds: 3600})
  })

  it('prints exactly the credential_process JSON on stdout, and nothing on stderr', async () => {
    const result = await cp('dev')
    const json = expectProcessJson(result)
    expect(result.stderr).to.equal('')
    expect(Date.parse(json.Expiration) - Date.now()).to.be.within(3500_000, 3600_000)
    expect(sb.emulator.count('GetRoleCredentials', `${ids['workload-dev']}/ReadOnlyAccess`)).to.equal(1)
  })

  it('serves the cache hit on the fast path: no portal call, no oclif, no AWS SDK loaded', async () => {
    const first = expectProcessJson(await cp('dev'))
    const before = sb.emulator.count('GetRoleCredentials')
    const log = join(sb.home, 'imports.log')
    const child = sb.spawn(['credential-process', '--profile', 'dev'], {env: {NODE_OPTIONS: `--import=${recordImports}`, KEYLESS_TEST_IMPORT_LOG: log}})
    let stdout = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).to.equal(0)
    expect(JSON.parse(stdout)).to.deep.equal(first)
    expect(sb.emulator.count('GetRoleCredentials')).to.equal(before)
    const loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean)
    expect(loaded.some((u) => u.endsWith('/dist/hot-path/serve-cached-credentials.js'))).to.equal(true)
    expect(loaded.filter((u) => /@oclif|@aws-sdk|@smithy|@inquirer|\/dist\/commands\//.test(u))).to.deep.equal([])
    await rm(log)
  })

  it('answers the same as the full path (serveCachedCredentials in-process reads what the CLI stored)', async () => {
    const viaCli = expectProcessJson(await cp('dev'))
    let out = ''
    const served = await serveCachedCredentials(['--profile', 'dev'], sb.env, {stdout: {write: (text, done) => ((out += text), done())}})
    expect(served).to.equal(true)
    expect(JSON.parse(out)).to.deep.equal(viaCli)
    for (const argv of [['-p', 'dev'], ['--profile=dev'], ['--no-login', '--profile', 'dev']]) {
      out = ''
      expect(await serveCachedCredentials(argv, sb.env, {stdout: {write: (text, done) => ((out += text), done())}}), argv.join(' ')).to.equal(true)
      expect(JSON.parse(out)).to.deep.equal(viaCli)
    }
    // Anything unusual is left to oclif.
    for (const argv of [[], ['--profile'], ['--profile', 'dev', '--debug'], ['--help'], ['--profile', 'nope'], ['--profile', 'dev', 'extra']]) {
      expect(await serveCachedCredentials(argv, sb.env, {stdout: {write: () => expect.fail('printed')}}), argv.join(' ')).to.equal(false)
    }
  })

  it('refetches when less than 15 minutes remain, and never serves those from the fast path', async () => {
    sb.emulator.setLifetimes({roleCredentialSeconds: 600})
    const key = `${ids['workload-test']}/PowerUserAccess`
    const a = expectProcessJson(await cp('test-power'))
    const b = expectProcessJson(await cp('test-power'))
    expect(a.AccessKeyId).to.not.equal(b.AccessKeyId)
    expect(sb.emulator.count('GetRoleCredentials', key)).to.equal(2)
    expect(await serveCachedCredentials(['--profile', 'test-power'], sb.env, {stdout: {write: () => expect.fail('printed')}})).to.equal(false)
  })

  it('treats a corrupt keychain item as a miss and replaces it', async () => {
    const store = await openStore(sb.env, resolvePaths(sb.env))
    const key = storeKeys.role('emulator', ids.network, 'ReadOnlyAccess')
    await store.set(key, '{"accessKeyId": "ASIA-broken", ')
    const json = expectProcessJson(await cp('native'))
    expect(json.AccessKeyId).to.not.equal('ASIA-broken')
    expect(JSON.parse((await store.get(key)) as string).accessKeyId).to.equal(json.AccessKeyId)
    expect(sb.emulator.count('GetRoleCredentials', `${ids.network}/ReadOnlyAccess`)).to.equal(1)
  })

  it('20 parallel cold calls fetch the role once and all print the same credentials', async () => {
    const key = `${ids['workload-prod']}/ReadOnlyAccess`
    expect(sb.emulator.count('GetRoleCredentials', key)).to.equal(0)
    const results = await Promise.all(Array.from({length: 20}, () => cp('prod-ro')))
    const jsons = results.map(expectProcessJson)
    expect(new Set(jsons.map((j) => j.AccessKeyId)).size).to.equal(1)
    expect(sb.emulator.count('GetRoleCredentials', key)).to.equal(1)
    const lockDir = resolvePaths(sb.env).lockDir
    expect(lockName('credentials', storeKeys.role('emulator', ids['workload-prod'], 'ReadOnlyAccess'))).to.be.a('string')
    expect(grepTree(lockDir, [jsons[0].SecretAccessKey])).to.deep.equal([])
  })

  it('a chained profile with an external id: 20 parallel cold calls → one GetRoleCredentials and one AssumeRole', async () => {
    const results = await Promise.all(Array.from({length: 20}, () => cp('auditor')))
    const jsons = results.map(expectProcessJson)
    expect(new Set(jsons.map((j) => j.AccessKeyId)).size).to.equal(1)
    expect(sb.emulator.count('AssumeRole', EXTERNAL_AUDITOR_ROLE_ARN)).to.equal(1)
    expect(sb.emulator.count('GetRoleCredentials', `${ids.security}/ReadOnlyAccess`)).to.equal(1)
    // Role chaining is capped at one hour.
    expect(Date.parse(jsons[0].Expiration) - Date.now()).to.be.at.most(3600_000)
    // The next call is a fast-path hit.
    let out = ''
    expect(await serveCachedCredentials(['--profile', 'auditor'], sb.env, {stdout: {write: (t, done) => ((out += t), done())}})).to.equal(true)
    expect(JSON.parse(out)).to.deep.equal(jsons[0])
  })

  it('two hops: Deployer (role_session_name) then ExternalAuditor (external id)', async () => {
    const json = expectProcessJson(await cp('deployer-2hop'))
    expect(sb.emulator.count('AssumeRole', DEV_DEPLOYER_ROLE_ARN)).to.equal(1)
    expect(sb.emulator.count('AssumeRole', EXTERNAL_AUDITOR_ROLE_ARN)).to.equal(2)
    expect(json.AccessKeyId).to.match(/^ASIA/)
  })

  it('retries a 5xx burst from the portal and from STS', async () => {
    sb.emulator.setFault('GetRoleCredentials', {failNext: 3, failStatus: 503})
    expectProcessJson(await cp('sandbox-admin'))
    expect(sb.emulator.count('GetRoleCredentials', `${ids.sandbox}/AdministratorAccess`)).to.equal(4)
    sb.emulator.setFault('AssumeRole', {failNext: 2, failStatus: 500})
    const before = sb.emulator.count('AssumeRole', DEV_DEPLOYER_ROLE_ARN)
    expectProcessJson(await cp('deployer-retry'))
    expect(sb.emulator.count('Failed5xx', 'AssumeRole')).to.equal(2)
    expect(sb.emulator.count('AssumeRole', DEV_DEPLOYER_ROLE_ARN) - before).to.equal(3)
  })

  it('retries 429 TooManyRequests and rate limiting', async () => {
    sb.emulator.setFault('GetRoleCredentials', {failNext: 2, failStatus: 429})
    expectProcessJson(await cp('shared-power'))
    expect(sb.emulator.count('GetRoleCredentials', `${ids['shared-services']}/PowerUserAccess`)).to.equal(3)
    // Several different roles at once against a portal that allows one call per second.
    const fresh = await createSandbox({emulator: sb.emulator})
    try {
      await fresh.writeConfig(profilesConfig(sb.emulator))
      expect((await fresh.run(['login', '--session', 'emulator'])).code).to.equal(0)
      sb.emulator.setFault('GetRoleCredentials', {ratePerSecond: 1})
      const throttledBefore = sb.emulator.count('Throttled', 'GetRoleCredentials')
      const results = await Promise.all(['shared-ro', 'network-admin', 'logs-ro'].map((p) => fresh.run(['credential-process', '--profile', p])))
      results.forEach(expectProcessJson)
      expect(sb.emulator.count('Throttled', 'GetRoleCredentials')).to.be.greaterThan(throttledBefore)
    } finally {
      await fresh.cleanup()
    }
  })

  it('retries STS Throttling (400, awsQuery) from a rate-limited STS', async () => {
    expectProcessJson(await cp('shared-admin')) // the source, cached first
    sb.emulator.setFault('AssumeRole', {ratePerSecond: 1})
    const throttledBefore = sb.emulator.count('Throttled', 'AssumeRole')
    const results = await Promise.all([cp('throttle-a'), cp('throttle-b')])
    results.forEach(expectProcessJson)
    expect(sb.emulator.count('Throttled', 'AssumeRole')).to.be.greaterThan(throttledBefore)
  })

  it('names account and role when the portal refuses (403 → exit 4), with nothing on stdout', async () => {
    const result = await cp('sandbox-ro')
    expect(result.code).to.equal(4)
    expect(result.stdout).to.equal('')
    expect(result.stderr.trim().split('\n')).to.have.length(1)
    expect(result.stderr).to.include('ReadOnlyAccess').and.include(ids.sandbox)
  })

  it('reports an unknown profile in one line (exit 2) and a malformed config without touching it', async () => {
    const unknown = await cp('dve')
    expect(unknown.code).to.equal(2)
    expect(unknown.stdout).to.equal('')
    expect(unknown.stderr).to.match(/^keyless: Profile "dve" not found.*Did you mean "dev"/)
    const original = await readFile(sb.configFile, 'utf8')
    await sb.writeConfig(`${original}\nthis line is not ini\n`)
    try {
      const bad = await cp('dev')
      expect(bad.code).to.equal(2)
      expect(bad.stdout).to.equal('')
      expect(bad.stderr).to.include('Malformed AWS config file')
    } finally {
      await sb.writeConfig(original)
    }
  })

  it('leaves no secret in any file under HOME', async () => {
    const secrets = new Set<string>()
    for (const p of ['dev', 'auditor', 'prod-ro', 'native']) {
      const json = expectProcessJson(await cp(p))
      secrets.add(json.SecretAccessKey)
      secrets.add(json.SessionToken)
    }
    expect(grepTree(sb.home, [...secrets])).to.deep.equal([])
  })

  describe('without a usable session', () => {
    let cold: Sandbox
    beforeEach(async () => {
      cold = await createSandbox()
      await cold.writeConfig(profilesConfig(cold.emulator))
    })
    afterEach(async () => {
      await cold.cleanup()
    })

    it('--no-login fails at once with exit 3 naming `keyless login --session`', async () => {
      const result = await cold.run(['credential-process', '--profile', 'dev', '--no-login'])
      expect(result.code).to.equal(3)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.include('keyless login --session emulator')
      expect(cold.browserCalls()).to.deep.equal([])
      expect(cold.emulator.count('StartDeviceAuthorization')).to.equal(0)
    })

    it('signs in once for 20 parallel signed-out callers (one browser tab), with the sign-in text on stderr only', async () => {
      const results = await Promise.all(Array.from({length: 20}, () => cold.run(['credential-process', '--profile', 'dev'], {timeoutMs: 120_000})))
      const jsons = results.map(expectProcessJson)
      expect(new Set(jsons.map((j) => j.AccessKeyId)).size).to.equal(1)
      expect(cold.browserCalls()).to.have.length(1)
      expect(cold.emulator.count('StartDeviceAuthorization')).to.equal(1)
      expect(cold.emulator.count('GetRoleCredentials')).to.equal(1)
      expect(results.map((r) => r.stderr).join('')).to.include('user_code')
    })
  })

  it('runs from the same entry point the AWS tools use', () => {
    expect(CLI_ENTRY).to.match(/bin\/run\.js$/)
  })
})
