import {once} from 'node:events'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {expect} from 'chai'
import {grepTree} from '../helpers/grep-tree.js'
import type {Sandbox} from '../helpers/sandbox.js'
import {ids, profilesSandbox} from '../credentials/profiles-config.js'

/** `env` output as a map. */
function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return env
}

async function waitForFile(path: string, text: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await readFile(path, 'utf8').then((t) => t.includes(text), () => false)) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${path} never contained ${text}`)
}

describe('keyless exec (built CLI, emulator, real keyring)', function () {
  this.timeout(120_000)
  let sb: Sandbox

  before(async () => {
    sb = await profilesSandbox()
  })
  after(async () => {
    await sb?.cleanup()
  })
  afterEach(() => {
    sb.emulator.setLifetimes({roleCredentialSeconds: 3600})
  })

  it('runs the command with the credentials, region and marker, without any other identity', async () => {
    const stale = {
      AWS_PROFILE: 'other',
      AWS_DEFAULT_PROFILE: 'other',
      AWS_ACCESS_KEY_ID: 'AKIAOLDOLDOLDOLDOLD1',
      AWS_SECRET_ACCESS_KEY: 'old-secret',
      AWS_SECURITY_TOKEN: 'old-token',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
      AWS_REGION: 'ap-south-1',
    }
    const result = await sb.run(['exec', 'dev', '--', 'env'], {env: stale})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.equal('')
    const env = parseEnv(result.stdout)
    const cp = JSON.parse((await sb.run(['credential-process', '--profile', 'dev'])).stdout)
    expect(env.AWS_ACCESS_KEY_ID).to.equal(cp.AccessKeyId)
    expect(env.AWS_SECRET_ACCESS_KEY).to.equal(cp.SecretAccessKey)
    expect(env.AWS_SESSION_TOKEN).to.equal(cp.SessionToken)
    expect(env.AWS_CREDENTIAL_EXPIRATION).to.equal(cp.Expiration)
    expect(env.AWS_REGION).to.equal('eu-west-1')
    expect(env.AWS_DEFAULT_REGION).to.equal('eu-west-1')
    expect(env.KEYLESS_PROFILE).to.equal('dev')
    for (const gone of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) {
      expect(env, gone).to.not.have.property(gone)
    }
    // Everything else of the caller's environment passes through.
    expect(env.HOME).to.equal(sb.home)
    expect(env.AWS_CONFIG_FILE).to.equal(sb.configFile)
  })

  it('keeps AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED when the caller set it', async () => {
    sb.emulator.setLifetimes({roleCredentialSeconds: 600}) // forces a fetch, so the SDK is loaded in keyless
    const result = await sb.run(['exec', 'shared-admin', '--', 'env'], {env: {AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'yes-mine'}})
    expect(result.code, result.stderr).to.equal(0)
    expect(parseEnv(result.stdout).AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).to.equal('yes-mine')
    const fresh = await sb.run(['exec', 'shared-admin', '--', 'env'])
    expect(parseEnv(fresh.stdout)).to.not.have.property('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')
  })

  it('passes the exit code through, and 128+N when a signal ends the child', async () => {
    expect((await sb.run(['exec', 'dev', '--', 'sh', '-c', 'exit 42'])).code).to.equal(42)
    expect((await sb.run(['exec', 'dev', '--', 'sh', '-c', 'kill -TERM $$'])).code).to.equal(143)
    expect((await sb.run(['exec', 'dev', 'true'])).code).to.equal(0)
  })

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`forwards ${signal} to the child and exits with its code`, async () => {
      const marker = join(sb.home, `marker-${signal}`)
      const script = `trap 'echo got >> ${marker}; exit 77' ${signal.slice(3)}; echo ready > ${marker}; while :; do sleep 0.05; done`
      const child = sb.spawn(['exec', 'dev', '--', 'sh', '-c', script])
      await waitForFile(marker, 'ready')
      child.kill(signal)
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code).to.equal(77)
      expect(await readFile(marker, 'utf8')).to.include('got')
    })
  }

  it('runs $SHELL when no command is given', async () => {
    const result = await sb.run(['exec', 'dev'], {env: {SHELL: '/bin/sh'}, input: 'echo "in $KEYLESS_PROFILE"; exit 5\n'})
    expect(result.code).to.equal(5)
    expect(result.stdout.trim()).to.equal('in dev')
  })

  it('takes the command without `--` too, and leaves its flags alone after `--`', async () => {
    const plain = await sb.run(['exec', 'dev', 'printenv', 'KEYLESS_PROFILE'])
    expect(plain.stdout.trim()).to.equal('dev')
    const flags = await sb.run(['exec', 'dev', '--', 'sh', '-c', 'echo "$@"', 'sh', '--force', '--server', '-y'])
    expect(flags.stdout.trim()).to.equal('--force --server -y')
  })

  it('refuses to nest inside another keyless exec, saying why, unless --force', async () => {
    const nested = await sb.run(['exec', 'dev', '--', 'true'], {env: {KEYLESS_PROFILE: 'outer'}})
    expect(nested.code).to.equal(2)
    expect(nested.stdout).to.equal('')
    expect(nested.stderr).to.match(/^keyless: Already inside `keyless exec` for profile "outer".*--force/)
    expect(nested.stderr.trim().split('\n')).to.have.length(1)
    const forced = await sb.run(['exec', 'dev', '--force', '--', 'printenv', 'KEYLESS_PROFILE'], {env: {KEYLESS_PROFILE: 'outer'}})
    expect(forced.code).to.equal(0)
    expect(forced.stdout.trim()).to.equal('dev')
  })

  it('asks before using a guarded (production) profile: refused without a terminal, --yes runs it', async () => {
    const refused = await sb.run(['exec', 'prod-ro', '--', 'true'])
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.include('--yes')
    expect(sb.emulator.count('GetRoleCredentials', `${ids['workload-prod']}/ReadOnlyAccess`)).to.equal(0)
    const yes = await sb.run(['exec', 'prod-ro', '--yes', '--', 'printenv', 'KEYLESS_ENVIRONMENT'])
    expect(yes.code, yes.stderr).to.equal(0)
    expect(yes.stdout.trim()).to.equal('prod')
  })

  it('reports a missing command in one line (exit 127)', async () => {
    const result = await sb.run(['exec', 'dev', '--', 'no-such-command-keyless'])
    expect(result.code).to.equal(127)
    expect(result.stderr.trim()).to.equal('keyless: Command not found: no-such-command-keyless. Check the command name and PATH.')
  })

  describe('--server', () => {
    it('serves fresh credentials through the local endpoint, refetching after expiry, and refuses requests without the token', async () => {
      sb.emulator.setLifetimes({roleCredentialSeconds: 3})
      const key = `${ids.security}/AdministratorAccess`
      const before = sb.emulator.count('GetRoleCredentials', key)
      const script = [
        'fetch() { curl -s -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; echo; }',
        'echo "keys=${AWS_ACCESS_KEY_ID:-none} uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI"',
        'fetch',
        'sleep 4',
        'fetch',
        'curl -s -o /dev/null -w "%{http_code}\\n" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"',
        'curl -s -o /dev/null -w "%{http_code}\\n" -H "Authorization: wrong" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"',
      ].join('\n')
      const result = await sb.run(['exec', 'security-admin', '--server', '--', 'sh', '-c', script])
      expect(result.code, result.stderr).to.equal(0)
      const [head, first, second, noToken, wrongToken] = result.stdout.trim().split('\n')
      expect(head).to.match(/^keys=none uri=http:\/\/127\.0\.0\.1:\d+\/$/)
      const a = JSON.parse(first)
      const b = JSON.parse(second)
      expect(Object.keys(a)).to.deep.equal(['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'])
      expect(a.AccessKeyId).to.not.equal(b.AccessKeyId)
      expect(Date.parse(b.Expiration)).to.be.greaterThan(Date.now() - 5000)
      expect([noToken, wrongToken]).to.deep.equal(['401', '403'])
      // One fetch before the command starts, then one per request once the old ones ran out.
      expect(sb.emulator.count('GetRoleCredentials', key) - before).to.be.at.least(2)
    })
  })

  it('leaves no secret in any file under HOME', async () => {
    const result = await sb.run(['exec', 'auditor', '--', 'env'])
    const env = parseEnv(result.stdout)
    expect(env.AWS_SECRET_ACCESS_KEY).to.be.a('string')
    expect(grepTree(sb.home, [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN])).to.deep.equal([])
  })

  it('does not hand KEYLESS_FILE_PASSPHRASE to the child, with or without --server (hardening #14 item 12)', async () => {
    const secret = {KEYLESS_FILE_PASSPHRASE: 'exec-child-must-not-see-this'}
    for (const args of [['exec', 'dev', '--', 'env'], ['exec', 'dev', '--server', '--', 'env']]) {
      const result = await sb.run(args, {env: secret})
      expect(result.code, result.stderr).to.equal(0)
      expect(parseEnv(result.stdout), args.join(' ')).to.not.have.property('KEYLESS_FILE_PASSPHRASE')
      expect(result.stdout).to.not.include('exec-child-must-not-see-this')
    }
  })
})
