import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {createSandbox, type RunResult, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'

// Hardening #14, "what held up": bad input of every kind gets one clean line. For each input, one
// CLI process: a non-zero exit (the typed code), exactly one line on stderr starting `keyless: `,
// no stack trace, nothing on stdout, no browser opened, and not one byte under HOME changed.

const ROLE = 'arn:aws:iam::111111111111:role/Deployer'

/** Every path under `root` with its type, mode and content (or link target), as one hash per path. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (path: string) => {
    const stat = lstatSync(path)
    const key = relative(root, path) || '.'
    const head = `${stat.mode.toString(8)}`
    if (stat.isDirectory()) {
      out.set(key, `${head} dir`)
      for (const entry of readdirSync(path)) walk(join(path, entry))
    } else if (stat.isSymbolicLink()) {
      out.set(key, `${head} -> ${readlinkSync(path)}`)
    } else {
      out.set(key, `${head} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`)
    }
  }
  walk(root)
  return out
}

/** What differs between two snapshots (added, removed or changed paths). */
function changes(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()])
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort()
}

interface Case {
  args: string[]
  code: number
  /** A part of the line, to show it is the right one. */
  says: RegExp
  env?: (sb: Sandbox) => NodeJS.ProcessEnv
}

const url = 'https://x.awsapps.com/start'
const configure = (session: string, extra: string[] = []) => ['configure', '--session', session, '--start-url', url, '--region', 'eu-west-1', ...extra]

const CASES: Case[] = [
  // Parsing: flags, arguments, options.
  {args: ['list', '--bogus'], code: 2, says: /Nonexistent flag: --bogus/},
  {args: ['sync', '--region'], code: 2, says: /--region/},
  // A command without arguments given one (oclif first read it as part of the command's name).
  {args: ['status', 'extra'], code: 2, says: /^keyless: Unexpected argument: extra\. See --help\.$/},
  {args: ['agent', 'status', 'extra', 'more'], code: 2, says: /Unexpected arguments: extra, more\./},
  {args: ['agent', 'bogus'], code: 127, says: /agent bogus is not a keyless command/},
  {args: ['exec'], code: 2, says: /Missing 1 required arg/},
  {args: ['shell-init'], code: 2, says: /Missing 1 required arg/},
  {args: ['shell-init', 'tcsh'], code: 2, says: /Expected tcsh to be one of/},
  {args: ['export', 'dev', '--format', 'xml'], code: 2, says: /xml/},
  {args: ['export', 'dev', '--json', '--format', 'env'], code: 2, says: /--format|--json/},
  {args: ['login', '--flow', 'magic'], code: 2, says: /magic/},
  {args: ['logout', '--all', '--session', 'corp'], code: 2, says: /--all|--session/},
  {args: ['console', 'dev', '--duration', 'abc'], code: 2, says: /abc|duration/},
  {args: ['audit', '--fix', '--restore'], code: 2, says: /--fix|--restore/},
  {args: ['audit', '--keep'], code: 2, says: /--fix/},
  {args: ['rotate'], code: 2, says: /Missing 1 required arg/},
  {args: ['agent', 'env'], code: 2, says: /Missing 1 required arg/},
  {args: ['agent', 'install', '--platform', 'windows'], code: 2, says: /windows/},
  {args: ['credential-process'], code: 2, says: /needs --profile NAME/},
  {args: ['swich'], code: 127, says: /not a keyless command\. Did you mean switch\?/},
  // configure: names, URLs, regions.
  {args: configure('__proto__'), code: 2, says: /reserved/},
  {args: configure('constructor'), code: 2, says: /reserved/},
  {args: configure('a b'), code: 2, says: /Invalid sso-session name/},
  {args: configure('x\ny'), code: 2, says: /Invalid sso-session name/},
  {args: ['configure', '--session', 'x', '--start-url', 'not a url', '--region', 'eu-west-1'], code: 2, says: /URL/},
  {args: ['configure', '--session', 'x', '--start-url', 'http://example.com/start', '--region', 'eu-west-1'], code: 2, says: /https/},
  {args: ['configure', '--session', 'x', '--start-url', url, '--region', 'eu west 1'], code: 2, says: /region/},
  {args: configure('x', ['--flow', 'magic']), code: 2, says: /magic/},
  {args: ['configure', '--session', 'x'], code: 2, says: /--start-url/},
  {args: ['configure', '--remove', 'nosuch', '--yes'], code: 2, says: /nosuch/},
  // Names that are not in the config.
  {args: ['exec', 'no-such', '--', 'true'], code: 2, says: /Profile "no-such" not found/},
  {args: ['credential-process', '--profile', 'no-such'], code: 2, says: /no-such/},
  {args: ['export', 'no-such'], code: 2, says: /no-such/},
  {args: ['console', 'no-such', '--print'], code: 2, says: /no-such/},
  {args: ['sync', '--session', 'nosuch'], code: 2, says: /nosuch/},
  {args: ['login', '--session', 'nosuch'], code: 2, says: /nosuch/},
  {args: ['list', '--session', '__proto__'], code: 2, says: /__proto__/},
  // Bad values in the config.
  {args: ['credential-process', '--profile', 'bad-duration'], code: 2, says: /invalid duration_seconds "abc"/},
  {args: ['credential-process', '--profile', 'loop-a'], code: 2, says: /cycle/},
  {args: ['exec', 'no-source', '--', 'true'], code: 2, says: /missing/},
  {args: ['sync', '--template', '{bogus}'], code: 2, says: /bogus/},
  // A broken environment.
  {args: ['list'], code: 2, says: /config/, env: (sb) => ({AWS_CONFIG_FILE: join(sb.home, 'malformed')})},
  {args: ['status'], code: 2, says: /KEYLESS_STORE/, env: () => ({KEYLESS_STORE: 'bogus'})},
]

describe('bad input: one clean line, non-zero exit, nothing changed (built CLI)', function () {
  this.timeout(120_000)
  let sb: Sandbox

  before(async () => {
    sb = await createSandbox()
    await sb.writeConfig(
      ssoSessionConfig(sb.emulator, {name: 'corp'}) +
        '\n[profile dev]\nregion = eu-west-1\n' +
        `\n[profile bad-duration]\nrole_arn = ${ROLE}\nsource_profile = dev\nduration_seconds = abc\n` +
        `\n[profile loop-a]\nrole_arn = ${ROLE}\nsource_profile = loop-b\n` +
        `\n[profile loop-b]\nrole_arn = ${ROLE}\nsource_profile = loop-a\n` +
        `\n[profile no-source]\nrole_arn = ${ROLE}\nsource_profile = missing\n`,
    )
    writeFileSync(join(sb.home, 'malformed'), '[profile ok]\nregion = eu-west-1\n[profile broken\nregion = x\n')
    mkdirSync(join(sb.home, '.config', 'keyless'), {recursive: true})
  })
  after(() => sb?.cleanup())

  const check = (c: Case, r: RunResult, changed: string[]) => {
    const what = c.args.join(' ').replaceAll('\n', '\\n')
    const lines = r.stderr.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)
    const problems: string[] = []
    if (r.code !== c.code) problems.push(`exit ${r.code} (want ${c.code})`)
    if (lines.length !== 1 || !lines[0].startsWith('keyless: ')) problems.push(`stderr is not one "keyless: " line: ${JSON.stringify(r.stderr)}`)
    else if (!c.says.test(lines[0])) problems.push(`line does not match ${c.says}: ${lines[0]}`)
    if (!r.stderr.endsWith('\n')) problems.push('stderr does not end with a newline')
    if (/\n\s+at \S/.test(r.stderr)) problems.push('stack trace')
    if (r.stdout !== '') problems.push(`stdout: ${JSON.stringify(r.stdout)}`)
    if (changed.length > 0) problems.push(`changed under HOME: ${changed.join(', ')}`)
    return problems.length > 0 ? `${what}: ${problems.join('; ')}` : undefined
  }

  it(`${CASES.length} bad inputs, each in its own process`, async () => {
    const failures: string[] = []
    for (const c of CASES) {
      const before = snapshot(sb.home)
      const r = await sb.run(c.args, {env: {BROWSER: '/bin/false', ...c.env?.(sb)}, timeoutMs: 30_000})
      const failure = check(c, r, changes(before, snapshot(sb.home)))
      if (failure) failures.push(failure)
    }
    expect(sb.browserCalls()).to.deep.equal([])
    expect(failures).to.deep.equal([])
  })

  it('(self-check) the checks catch a stack trace, a second line, stdout, a changed file and a zero exit', () => {
    const c: Case = {args: ['x'], code: 2, says: /boom/}
    const good: RunResult = {code: 2, signal: null, stdout: '', stderr: 'keyless: boom\n'}
    expect(check(c, good, [])).to.equal(undefined)
    expect(check(c, {...good, stderr: 'keyless: boom\n    at Foo (x.js:1:1)\n'}, [])).to.include('stack trace')
    expect(check(c, {...good, stderr: 'keyless: boom\nmore\n'}, [])).to.include('not one')
    expect(check(c, {...good, stderr: 'Error: boom\n'}, [])).to.include('not one')
    expect(check(c, {...good, stdout: 'x'}, [])).to.include('stdout')
    expect(check(c, {...good, code: 0}, [])).to.include('exit 0')
    expect(check(c, good, ['.aws/config'])).to.include('.aws/config')
    const a = snapshot(sb.home)
    writeFileSync(join(sb.home, 'malformed'), readFileSync(join(sb.home, 'malformed'), 'utf8'))
    expect(changes(a, snapshot(sb.home))).to.deep.equal([])
    writeFileSync(join(sb.home, 'malformed'), `${readFileSync(join(sb.home, 'malformed'), 'utf8')}\n`)
    expect(changes(a, snapshot(sb.home))).to.deep.equal(['malformed'])
  })
})
