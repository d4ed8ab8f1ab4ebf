import {expect} from 'chai'
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startTmux, type TmuxSession} from '../guard/tmux-session.js'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'
import {errorLines, secretWitness} from './sign-in-fixture.js'

/** A keyless profile of the emulator's first assigned account and role. */
function profileOf(sb: Sandbox): string {
  const [accountId, [roleName]] = Object.entries(sb.emulator.org.assignments)[0]
  return `[profile dev]\nkeyless_session = corp\nkeyless_account_id = ${accountId}\nkeyless_role_name = ${roleName}\n`
}

/** What the browser does with the authorize URL, without following the redirect: where /authorize sends it. */
async function redirectOf(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, {redirect: 'manual'})
  expect(response.status).to.equal(302)
  return response.headers.get('location')!
}

/** The sign-in's authorize URL, from text printed so far. */
function authorizeUrlIn(text: string): string | undefined {
  return /http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+/.exec(text)?.[0]
}

describe('sign-in flows: keyless_login_flow, --flow, SSH paste-back in a terminal, --no-browser (built CLI, emulator)', function () {
  this.timeout(180_000)
  let sb: Sandbox
  let w: ReturnType<typeof secretWitness>
  let tmuxDir: string
  let term: TmuxSession | undefined

  before(async () => {
    sb = await createSandbox({store: 'file'})
    await sb.writeConfig(ssoSessionConfig(sb.emulator, {name: 'corp'}) + profileOf(sb))
    w = secretWitness(sb)
    tmuxDir = await mkdtemp(join(tmpdir(), 'keyless-flows-'))
  })
  afterEach(() => {
    term?.close()
    term = undefined
  })
  after(async () => {
    await sb?.cleanup()
    await rm(tmuxDir, {recursive: true, force: true})
  })

  it('configure --flow pkce writes keyless_login_flow, keeps the rest; a bad value in the file is one clear line', async () => {
    const r = await w.run(['configure', '--session', 'corp', '--flow', 'pkce', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.deep.include({name: 'corp', flow: 'pkce', startUrl: sb.emulator.org.startUrl})
    const text = await readFile(sb.configFile, 'utf8')
    expect(text).to.match(/\[sso-session corp\][^[]*keyless_login_flow = pkce/)
    expect(text).to.include(profileOf(sb))
    const bad = text.replace('keyless_login_flow = pkce', 'keyless_login_flow = browser')
    await sb.writeConfig(bad)
    const refused = await w.run(['login'])
    expect(refused.code).to.equal(2)
    expect(errorLines(refused.stderr)).to.have.length(1)
    expect(refused.stderr).to.include('invalid keyless_login_flow "browser"')
    expect(await readFile(sb.configFile, 'utf8')).to.equal(bad)
    await sb.writeConfig(text)
  })

  it('an implicit sign-in (credential-process) uses the session\'s pkce flow; --flow device overrides it per call', async () => {
    sb.emulator.resetCounters()
    const r = await w.run(['credential-process', '--profile', 'dev'])
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.have.property('AccessKeyId')
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(1)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(0)
    await w.collect('corp')

    expect((await w.run(['logout', '--session', 'corp'])).code).to.equal(0)
    sb.emulator.resetCounters()
    const device = await w.run(['exec', 'dev', '--flow', 'device', '--', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN"'])
    expect(device.code, device.stderr).to.equal(0)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(1)
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(0)
    await w.collect('corp')
  })

  it('over SSH without a browser: the URL is printed, a forged redirect is refused and asked again, the real one typed on the terminal signs in', async () => {
    expect((await w.run(['logout', '--session', 'corp'])).code).to.equal(0)
    sb.emulator.resetCounters()
    const env: NodeJS.ProcessEnv = {...sb.env, SSH_CONNECTION: '192.0.2.10 50000 192.0.2.20 22', SSH_TTY: '/dev/pts/9', TERM: 'xterm-256color'}
    delete env.BROWSER
    delete env.DISPLAY
    const done = join(tmuxDir, 'login.exit')
    term = startTmux(tmuxDir, `sh -c '${process.execPath} ${CLI_ENTRY} login; echo $? > ${done}; sleep 60'`, env)
    const screen = await term.waitFor(/Redirected address: $/m)
    expect(screen).to.include('open this URL in a browser (on any machine)')
    const authorize = authorizeUrlIn(screen)!
    expect(authorize, screen).to.be.a('string')
    const location = await redirectOf(authorize)
    expect(location).to.match(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?code=/)
    const forged = new URL(location)
    forged.searchParams.set('state', 'forged-state')
    term.send('-l', forged.toString())
    term.send('Enter')
    await term.waitFor(/state in that address is not this sign-in's.*Paste the address again/)
    term.send('-l', `https://oidc.example/device?user_code=ABCD-EFGH`)
    term.send('Enter')
    await term.waitFor(/not the address this sign-in redirects to/)
    term.send('-l', location)
    term.send('Enter')
    await term.waitFor(/Signed in to session "corp"/)
    for (let i = 0; i < 100 && !(await readFile(done, 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 100))
    expect((await readFile(done, 'utf8')).trim()).to.equal('0')
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(1)
    expect(sb.emulator.count('StartDeviceAuthorization')).to.equal(0)
    await w.collect('corp')
  })

  it('over SSH, credential-process started with stdin on /dev/null asks on the controlling terminal (/dev/tty)', async () => {
    expect((await w.run(['logout', '--session', 'corp'])).code).to.equal(0)
    sb.emulator.resetCounters()
    const env: NodeJS.ProcessEnv = {...sb.env, SSH_CONNECTION: '192.0.2.10 50000 192.0.2.20 22', TERM: 'xterm-256color'}
    delete env.BROWSER
    const out = join(tmuxDir, 'credentials.json')
    term = startTmux(tmuxDir, `sh -c '${process.execPath} ${CLI_ENTRY} credential-process --profile dev < /dev/null > ${out}; sleep 60'`, env)
    const screen = await term.waitFor(/Redirected address: $/m)
    term.send('-l', await redirectOf(authorizeUrlIn(screen)!))
    term.send('Enter')
    await term.waitFor(/Signed in to session "corp"/)
    let json = ''
    for (let i = 0; i < 100 && !json; i++) {
      json = await readFile(out, 'utf8').catch(() => '')
      if (!json) await new Promise((r) => setTimeout(r, 100))
    }
    expect(JSON.parse(json)).to.include({Version: 1})
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(1)
    await w.collect('corp')
  })

  it('login --no-browser --flow pkce: the loopback redirect completes it when the browser reaches it', async () => {
    sb.emulator.resetCounters()
    const browser = sb.browserCalls().length
    const child = sb.spawn(['login', '--no-browser', '--flow', 'pkce', '--force'])
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
    for (let i = 0; i < 200 && !authorizeUrlIn(stderr); i++) await new Promise((r) => setTimeout(r, 50))
    // A browser on this machine: it follows the redirect to the loopback port.
    const page = await fetch(authorizeUrlIn(stderr)!)
    expect(await page.text()).to.include('Signed in to keyless')
    expect(await exit, stderr).to.equal(0)
    w.record({code: 0, signal: null, stdout: '', stderr})
    expect(sb.browserCalls()).to.have.length(browser)
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(1)
    await w.collect('corp')
  })

  it('login --no-browser --flow pkce: an address piped on stdin completes it; a forged one is refused with one line (exit 2)', async () => {
    for (const forge of [true, false]) {
      sb.emulator.resetCounters()
      const child = sb.spawn(['login', '--no-browser', '--flow', 'pkce', '--force'])
      let stderr = ''
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
      for (let i = 0; i < 200 && !authorizeUrlIn(stderr); i++) await new Promise((r) => setTimeout(r, 50))
      const location = new URL(await redirectOf(authorizeUrlIn(stderr)!))
      if (forge) location.searchParams.set('state', 'forged')
      child.stdin!.end(`${location.toString()}\n`)
      const code = await exit
      w.record({code, signal: null, stdout: '', stderr})
      if (forge) {
        expect(code, stderr).to.equal(2)
        expect(errorLines(stderr), stderr).to.have.length(1)
        expect(errorLines(stderr)[0]).to.include('The pasted address was refused: the state in that address is not this sign-in')
        expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(0)
      } else {
        expect(code, stderr).to.equal(0)
        expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(1)
        await w.collect('corp')
      }
    }
  })

  it('no secret was printed or written in plaintext by any of it', () => {
    expect(w.secrets.size).to.be.greaterThan(2)
    expect(w.leaks()).to.deep.equal({files: [], outputs: 0})
  })
})

describe('WSL: the sign-in page opens in the Windows browser (fake wslview / cmd.exe on PATH)', function () {
  this.timeout(120_000)
  let sb: Sandbox
  let bin: string

  beforeEach(async () => {
    sb = await createSandbox({store: 'file'})
    await sb.writeConfig(ssoSessionConfig(sb.emulator, {name: 'corp'}))
    bin = join(sb.home, 'windows-bin')
    await mkdir(bin)
  })
  afterEach(() => sb?.cleanup())

  const wslEnv = () => ({BROWSER: undefined, DISPLAY: undefined, WSL_DISTRO_NAME: 'Ubuntu-24.04', PATH: `${bin}:${process.env.PATH}`})

  it('uses wslview when it is there (the URL as its argument)', async () => {
    const log = join(sb.home, 'wslview.log')
    await writeFile(join(bin, 'wslview'), `#!/bin/sh\nprintf '%s\\n' "$#" "$1" > '${log}'\ncurl -sfL "$1" > /dev/null\n`)
    await chmod(join(bin, 'wslview'), 0o755)
    const r = await sb.run(['login'], {env: wslEnv()})
    expect(r.code, r.stderr).to.equal(0)
    const [argc, url] = (await readFile(log, 'utf8')).trim().split('\n')
    expect(argc).to.equal('1')
    expect(url).to.match(new RegExp(`^${sb.emulator.url}/device\\?user_code=`))
  })

  it('else cmd.exe start, with the URL only in KEYLESS_OPEN_URL (passed to Windows by WSLENV), never in its arguments', async () => {
    const log = join(sb.home, 'cmd.log')
    // cmd.exe would expand %KEYLESS_OPEN_URL% and drop the ^ escapes: the fake does the same, then loads the page.
    await writeFile(join(bin, 'cmd.exe'),
      `#!/bin/sh\nprintf 'args=%s\\n' "$*" > '${log}'\nprintf 'wslenv=%s\\nurl=%s\\n' "$WSLENV" "$KEYLESS_OPEN_URL" >> '${log}'\n` +
      'url=$(printf %s "$KEYLESS_OPEN_URL" | sed "s/\\^\\(.\\)/\\1/g")\ncurl -sfL "$url" > /dev/null\n')
    await chmod(join(bin, 'cmd.exe'), 0o755)
    const r = await sb.run(['login', '--flow', 'pkce'], {env: {...wslEnv(), WSLENV: 'WT_SESSION:USERPROFILE/p'}})
    expect(r.code, r.stderr).to.equal(0)
    const lines = (await readFile(log, 'utf8')).trim().split('\n')
    expect(lines[0]).to.equal('args=/d /c start %KEYLESS_OPEN_URL%')
    expect(lines[1]).to.equal('wslenv=WT_SESSION:USERPROFILE/p:KEYLESS_OPEN_URL/u')
    expect(lines[2]).to.match(new RegExp(`^url=${sb.emulator.url}/authorize\\?.*\\^&`))
    expect(sb.emulator.count('CreateToken', 'authorization_code')).to.equal(1)
  })
})
