import {execFile} from 'node:child_process'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {serveCachedCredentials} from '../../src/hot-path/serve-cached-credentials.js'
import {grepTree} from '../helpers/grep-tree.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ids, profilesConfig} from './profiles-config.js'

const recordImports = join(import.meta.dirname, 'fixtures', 'record-imports.mjs')
const run = promisify(execFile)

/** Every item of the sandbox's keychain service as secret-tool sees it: account -> secret. */
async function keychainItems(service: string): Promise<Map<string, string>> {
  const {stdout, stderr} = await run('secret-tool', ['search', '--all', 'service', service], {maxBuffer: 1 << 24})
  const items = new Map<string, string>()
  for (const [, account] of (stdout + stderr).matchAll(/^attribute\.username = (.*)$/gm)) {
    items.set(account, (await run('secret-tool', ['lookup', 'service', service, 'username', account])).stdout)
  }
  return items
}

describe('chunked keychain values end to end (built CLI, emulator, real Secret Service, KEYLESS_KEYCHAIN_CHUNK_CHARS=128)', function () {
  this.timeout(180_000)
  let sb: Sandbox

  before(async () => {
    sb = await createSandbox()
    sb.env.KEYLESS_KEYCHAIN_CHUNK_CHARS = '128'
    await sb.writeConfig(profilesConfig(sb.emulator))
    const login = await sb.run(['login', '--session', 'emulator'])
    expect(login.code, login.stderr).to.equal(0)
  })
  after(async () => {
    await sb?.cleanup()
  })

  it('logs in, fetches and serves every value through chunks; the hot path reads them without oclif or the SDK', async () => {
    const first = await sb.run(['credential-process', '--profile', 'dev'])
    expect(first.code, first.stderr).to.equal(0)
    const json = JSON.parse(first.stdout) as {AccessKeyId: string; SecretAccessKey: string; SessionToken: string}
    const service = sb.env.KEYLESS_KEYCHAIN_SERVICE as string
    const items = await keychainItems(service)
    const roleKey = `role/emulator/${ids['workload-dev']}/ReadOnlyAccess`
    for (const key of ['token/emulator', roleKey]) {
      expect(items.get(key), key).to.match(/^keyless-chunked\/1 n=\d+ sha256=[0-9a-f]{64}$/)
      expect([...items.keys()].filter((k) => k.startsWith(`${key}#chunk-`)).length, key).to.be.greaterThan(1)
    }
    for (const secret of items.values()) expect(secret.length).to.be.at.most(128)

    // The fast path: served from the chunks (no new GetRoleCredentials), loading no oclif, no SDK.
    const before = sb.emulator.count('GetRoleCredentials')
    const log = join(sb.home, 'imports.log')
    const child = sb.spawn(['credential-process', '--profile', 'dev'], {env: {NODE_OPTIONS: `--import=${recordImports}`, KEYLESS_TEST_IMPORT_LOG: log}})
    let stdout = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    expect(await new Promise((resolve) => child.once('exit', resolve))).to.equal(0)
    expect(JSON.parse(stdout)).to.deep.equal(json)
    expect(sb.emulator.count('GetRoleCredentials')).to.equal(before)
    const loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean)
    expect(loaded.some((u) => u.endsWith('/dist/store/chunked-store.js'))).to.equal(true)
    expect(loaded.filter((u) => /@oclif|@aws-sdk|@smithy|@inquirer|@napi-rs|\/dist\/commands\//.test(u))).to.deep.equal([])

    // In-process, the same reader says it served the call itself.
    let out = ''
    expect(await serveCachedCredentials(['--profile', 'dev'], sb.env, {stdout: {write: (text, done) => ((out += text), done())}})).to.equal(true)
    expect(JSON.parse(out)).to.deep.equal(json)

    // The real AWS CLI takes them (through credential_process, and the chunks behind it).
    const aws = await run('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', 'dev', '--output', 'json', '--endpoint-url', sb.emulator.url], {env: sb.env, cwd: sb.home})
    expect(JSON.parse(aws.stdout).Account).to.equal(ids['workload-dev'])
    expect(grepTree(sb.home, [json.SecretAccessKey, json.SessionToken])).to.deep.equal([])
  })

  it('logout removes every chunk with its head', async () => {
    const result = await sb.run(['logout', '--session', 'emulator'])
    expect(result.code, result.stderr).to.equal(0)
    const left = [...(await keychainItems(sb.env.KEYLESS_KEYCHAIN_SERVICE as string)).keys()]
    expect(left.filter((k) => k.includes('#chunk-'))).to.deep.equal([])
    expect(left.filter((k) => k.startsWith('token/') || k.startsWith('role/'))).to.deep.equal([])
  })
})
