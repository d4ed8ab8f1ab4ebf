import {spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {secretWitness} from '../commands/sign-in-fixture.js'
import {ids, profilesConfig} from '../credentials/profiles-config.js'
import {startTmux, type TmuxSession} from '../guard/tmux-session.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'

// Debian's AWS CLI v2 (an older `aws` may come first on PATH); it ignores AWS_ENDPOINT_URL_*, so
// the STS call names --endpoint-url (keyless, its credential_process, reads them).
const AWS = '/usr/bin/aws'

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a program with stdin closed and stdout/stderr piped (no terminal); SIGKILL after timeoutMs. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
    child.stdin.end()
  })
}

describe('sign-in under the AWS CLI (credential_process, stderr captured): the device URL and code reach the user', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let w: ReturnType<typeof secretWitness>
  let tmuxDir: string
  let term: TmuxSession | undefined
  // No working browser: the device code must be read off the screen. The AWS CLI gets the STS
  // endpoint by flag; its credential_process is the built CLI (profilesConfig).
  const cliEnv = () => ({...sb.env, BROWSER: '/bin/false', AWS_PAGER: '', LANG: 'C.UTF-8', TERM: 'xterm-256color'})
  const awsArgs = ['sts', 'get-caller-identity', '--profile', 'dev', '--output', 'json', '--no-cli-pager']

  before(async () => {
    sb = await createSandbox({store: 'file'})
    await sb.writeConfig(profilesConfig(sb.emulator))
    w = secretWitness(sb)
    tmuxDir = await mkdtemp(join(tmpdir(), 'keyless-tty-prompt-'))
  })
  beforeEach(() => {
    sb.emulator.resetCounters()
  })
  afterEach(() => {
    term?.close()
    term = undefined
    sb.emulator.setLifetimes({deviceCodeSeconds: 600})
  })
  after(async () => {
    await sb?.cleanup()
    if (tmuxDir) await rm(tmuxDir, {recursive: true, force: true})
  })

  it('signed out, with no controlling terminal (setsid, stdio piped): the code expires and the AWS CLI error says what to run', async () => {
    sb.emulator.setLifetimes({deviceCodeSeconds: 2})
    const r = await run('setsid', ['-w', AWS, ...awsArgs, '--endpoint-url', sb.emulator.url], cliEnv(), 30_000)
    w.record({...r, signal: null})
    expect(r.code, r.stderr).to.not.equal(0)
    expect(r.stdout).to.equal('')
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(1)
    expect(sb.emulator.count('GetCallerIdentity')).to.equal(0)
    // The AWS CLI shows keyless's stderr only now: the code it could not show, and what to run.
    expect(r.stderr).to.include('custom-process')
    expect(r.stderr).to.include('The sign-in code for session "emulator" expired before it was approved.')
    expect(r.stderr).to.include('Run `keyless login --session emulator` again, in a terminal (no terminal showed the code')
  })

  it('on a terminal: the AWS CLI waits, the URL and code show in the pane, approving them completes the call', async () => {
    const cli = `${AWS} ${awsArgs.join(' ')} --endpoint-url ${sb.emulator.url}`
    term = startTmux(tmuxDir, `sh -c '${cli}; echo "aws exit=$?"; sleep 60'`, cliEnv())
    const screen = await term.waitFor(/^ {2}code: \S+$/m, 15_000)
    // Whole lines at column 0 (no staircase from a bare \n on a terminal in raw mode).
    expect(screen).to.match(/^keyless: To sign in to session "emulator", open this URL and confirm the code:$/m)
    const url = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/device\?user_code=(\S+))$/m.exec(screen)
    expect(url, screen).to.not.equal(null)
    const code = /^ {2}code: (\S+)$/m.exec(screen)![1]
    expect(url![2]).to.equal(code)
    // The AWS CLI is still waiting on keyless, which polls the device code.
    expect(screen).to.not.include('aws exit=')
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(1)
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(0)
    expect(sb.browserCalls()).to.deep.equal([])

    // The person approves the code in a browser elsewhere.
    const page = await fetch(url![1])
    expect(page.status, await page.text()).to.equal(200)
    const done = await term.waitFor(/aws exit=\d+/, 15_000)
    expect(done).to.include('aws exit=0')
    const identity = JSON.parse(/^\{[\s\S]*?^\}$/m.exec(done)![0]) as {Account: string; Arn: string}
    expect(identity.Account).to.equal(ids['workload-dev'])
    expect(identity.Arn).to.match(/:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\//)
    expect(sb.emulator.count('CreateToken', 'device_code')).to.be.greaterThan(0)
    expect(sb.emulator.count('GetCallerIdentity')).to.equal(1)

    w.record({code: 0, signal: null, stdout: term.screen(), stderr: term.screen(true)})
  })

  it('no access or refresh token, no client secret in the pane, the AWS CLI output, HOME or the temp dir', async () => {
    await w.collect('emulator')
    expect(w.secrets.size).to.be.greaterThan(1)
    expect(w.leaks()).to.deep.equal({files: [], outputs: 0})
  })
})
