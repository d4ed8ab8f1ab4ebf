import {execFile, spawnSync} from 'node:child_process'
import {promisify} from 'node:util'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {serializeCredentials} from '../../src/credentials/stored-credentials.js'
import {storeKeys} from '../../src/store/keys.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {ids, profilesSandbox} from '../credentials/profiles-config.js'
import {startTmux} from '../guard/tmux-session.js'
import {grepTree} from '../helpers/grep-tree.js'
import {CLI_ENTRY, type Sandbox} from '../helpers/sandbox.js'

interface ProcessJson {
  Version: number
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  Expiration: string
}

const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION', 'AWS_DEFAULT_REGION']

/** Values no shell quoting mistake survives: quotes of every kind, $, backticks, newlines, backslashes. */
const HOSTILE = {
  accessKeyId: `ASIA'"$HOME\`id\`x`,
  secretAccessKey: `s3cr"et'\\$(touch /tmp/keyless-export-pwned)\n;rm -rf ~ & | > ‘’ \\'`,
  sessionToken: `tok'en\n\nline3 $PATH \${HOME} %PATH% !x! \`uname\` \\n ✓ 日本 🔑 '\\''`,
}

/**
 * Runs `source FILE` in a real shell, then reports what the shell now holds: exported (what a
 * child process sees) and plain shell variables, as JSON.
 */
function evaluate(shell: 'bash' | 'zsh' | 'fish', file: string): {exported: Record<string, string>; vars: Record<string, string>} {
  const dump = `${process.execPath} -e 'process.stdout.write(JSON.stringify(process.env))'`
  const script =
    shell === 'fish'
      ? `source ${file}; or exit 9; ${dump}; echo; for n in ${names.join(' ')}; if set -q $n; printf '%s=%s\\0' $n "$$n"; end; end`
      : `. ${file} || exit 9; ${dump}; echo; for n in ${names.join(' ')}; do if [ -n "\${${shell === 'zsh' ? '(P)n' : '!n'}+x}" ]; then printf '%s=%s\\0' "$n" "\${${shell === 'zsh' ? '(P)n' : '!n'}}"; fi; done`
  const argv = shell === 'fish' ? ['--no-config', '-c', script] : shell === 'zsh' ? ['-f', '-c', script] : ['--norc', '--noprofile', '-c', script]
  const result = spawnSync(shell, argv, {encoding: 'utf8', env: {PATH: process.env.PATH, HOME: tmpdir()}})
  expect(result.status, `${shell}: ${result.stderr}`).to.equal(0)
  expect(result.stderr, shell).to.equal('')
  const newline = result.stdout.indexOf('\n')
  const exported = JSON.parse(result.stdout.slice(0, newline)) as Record<string, string>
  const vars: Record<string, string> = {}
  for (const pair of result.stdout.slice(newline + 1).split('\0').filter(Boolean)) {
    const at = pair.indexOf('=')
    vars[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return {exported: Object.fromEntries(names.filter((n) => n in exported).map((n) => [n, exported[n]])), vars}
}

function expected(json: ProcessJson, region = 'eu-west-1'): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: json.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: json.SecretAccessKey,
    AWS_SESSION_TOKEN: json.SessionToken,
    AWS_CREDENTIAL_EXPIRATION: json.Expiration,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  }
}

describe('keyless export (built CLI, emulator, real keyring, real bash/zsh/fish)', function () {
  this.timeout(180_000)
  let sb: Sandbox
  let scratch: string
  const secrets: string[] = []

  before(async () => {
    sb = await profilesSandbox()
    scratch = await mkdtemp(join(tmpdir(), 'keyless-export-'))
  })
  after(async () => {
    if (sb) expect(grepTree(sb.home, secrets)).to.deep.equal([])
    await sb?.cleanup()
    await rm(scratch, {recursive: true, force: true})
  })

  async function exportJson(profile: string): Promise<ProcessJson> {
    const result = await sb.run(['export', profile, '--json'])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.equal('')
    const json = JSON.parse(result.stdout) as ProcessJson
    expect(Object.keys(json)).to.deep.equal(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
    secrets.push(json.SecretAccessKey, json.SessionToken)
    return json
  }

  async function checkShells(profile: string, json: ProcessJson): Promise<void> {
    for (const format of ['env', 'env-no-export', 'fish'] as const) {
      const result = await sb.run(['export', profile, '--format', format])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr, format).to.equal('')
      const file = join(scratch, `${profile}.${format}`)
      await writeFile(file, result.stdout)
      for (const shell of format === 'fish' ? (['fish'] as const) : (['bash', 'zsh'] as const)) {
        const {exported, vars} = evaluate(shell, file)
        expect(vars, `${format} in ${shell}`).to.deep.equal(expected(json))
        expect(exported, `${format} in ${shell}: exported`).to.deep.equal(format === 'env-no-export' ? {} : expected(json))
      }
      await rm(file)
    }
  }

  it('--json (and --format json) prints the credential_process JSON, the same credentials credential-process serves', async () => {
    const json = await exportJson('dev')
    const viaFormat = await sb.run(['export', 'dev', '--format', 'json'])
    expect(JSON.parse(viaFormat.stdout)).to.deep.equal(json)
    const cp = await sb.run(['credential-process', '--profile', 'dev'])
    expect(JSON.parse(cp.stdout)).to.deep.equal(json)
  })

  it('env, env-no-export and fish give bash, zsh and fish exactly the credentials, expiry and region', async () => {
    const json = await exportJson('dev')
    await checkShells('dev', json)
    // The real AWS CLI takes what bash evaluated.
    const env = (await sb.run(['export', 'dev'])).stdout
    const file = join(scratch, 'dev.env')
    await writeFile(file, env)
    // (Asynchronously: the emulator answers from this process.)
    const aws = await promisify(execFile)('bash', ['--norc', '-c', `. ${file}; /usr/bin/aws sts get-caller-identity --output json --endpoint-url ${sb.emulator.url}`], {
      env: {PATH: process.env.PATH, HOME: scratch},
    })
    expect(JSON.parse(aws.stdout).Account).to.equal(ids['workload-dev'])
    await rm(file)
  })

  it('quotes hostile values (quotes, $, backticks, newlines, backslashes) so each shell reads them back exactly', async () => {
    // A provider handing out strange values: the cached credentials of dev-power, written straight into the store.
    const store = await openStore(sb.env, resolvePaths(sb.env))
    const expiresAt = Date.now() + 3_000_000
    await store.set(storeKeys.role('emulator', ids['workload-dev'], 'PowerUserAccess'), serializeCredentials({...HOSTILE, expiresAt}))
    secrets.push(HOSTILE.secretAccessKey, HOSTILE.sessionToken)
    const json = await exportJson('dev-power')
    expect(json.SessionToken).to.equal(HOSTILE.sessionToken)
    await checkShells('dev-power', json)
    expect(spawnSync('test', ['-e', '/tmp/keyless-export-pwned']).status).to.equal(1)
    // windows-cmd and dotenv cannot carry these exactly: refused in one line, nothing printed, no secret shown.
    for (const format of ['windows-cmd', 'dotenv']) {
      const result = await sb.run(['export', 'dev-power', '--format', format])
      expect(result.code, format).to.equal(2)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.match(new RegExp(`^keyless: The ${format} format cannot carry AWS_ACCESS_KEY_ID exactly: it contains .*Use --format json, env, fish or powershell\\.\\n$`))
    }
  })

  it('a guarded profile needs --yes without a terminal, as exec does', async () => {
    const refused = await sb.run(['export', 'prod-ro'])
    expect(refused.code).to.equal(2)
    expect(refused.stdout).to.equal('')
    expect(refused.stderr).to.match(/^keyless: .* is guarded \(production\) and there is no terminal to confirm on\. Pass --yes to keyless export if you mean it\.\n$/)
    const yes = await sb.run(['export', 'prod-ro', '--yes', '--format', 'json'])
    expect(yes.code, yes.stderr).to.equal(0)
    expect(yes.stderr).to.match(/going ahead \(--yes\)/)
    const json = JSON.parse(yes.stdout) as ProcessJson
    secrets.push(json.SecretAccessKey, json.SessionToken)
  })

  it('refuses bad input in one line: unknown profile, unknown format, --json with --format', async () => {
    for (const [args, pattern] of [
      [['export', 'nope'], /^keyless: .*nope.*\n$/],
      [['export', 'dev', '--format', 'csh'], /^keyless: Expected --format=csh to be one of: env, env-no-export, fish, powershell, windows-cmd, dotenv, json.*\n$/],
      [['export', 'dev', '--json', '--format', 'env'], /^keyless: The following error occurred: --format=env cannot also be provided when using --json.*\n$/],
      [['export'], /^keyless: Missing 1 required arg.*\n$/],
    ] as const) {
      const result = await sb.run([...args])
      expect(result.code, args.join(' ')).to.equal(2)
      expect(result.stdout).to.equal('')
      expect(result.stderr).to.match(pattern)
    }
  })

  it('on a terminal: prints (like aws-vault export) with one warning line; a guarded profile asks for the account name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyless-tmux-'))
    const keyless = `${process.execPath} ${CLI_ENTRY}`
    const term = startTmux(dir, 'bash --norc --noprofile', {...sb.env, TERM: 'xterm-256color', HISTFILE: '/dev/null', PS1: '$ '})
    try {
      await term.waitFor(/[$#]\s*$/m)
      term.send(`${keyless} export dev --format fish; echo "exit=$?"`, 'Enter')
      const screen = await term.waitFor(/exit=\d/)
      expect(screen).to.match(/keyless: these are live credentials of dev, now in your terminal's scrollback/)
      expect(screen).to.match(/set -gx AWS_ACCESS_KEY_ID 'ASIA/)
      expect(screen).to.include('exit=0')
      term.send('clear', 'Enter')
      term.send(`eval "$(${keyless} export prod-ro)"; echo "region=$AWS_REGION exit=$?"`, 'Enter')
      const asked = await term.waitFor(/Type \S+ to continue/)
      term.send(/Type (\S+) to continue/.exec(asked)?.[1] as string, 'Enter')
      const after = await term.waitFor(/region=\S* exit=\d/)
      expect(after).to.include('region=eu-west-1 exit=0')
      expect(after).to.not.match(/scrollback/)
      expect(after).to.not.match(/AWS_SECRET_ACCESS_KEY/)
    } finally {
      term.close()
      await rm(dir, {recursive: true, force: true})
    }
  })
})
