import {execFile, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {appendFile, chmod, readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {EXTERNAL_AUDITOR_ROLE_ARN, LANDING_ZONE_IAM_USERS} from '../emulator/organization.js'
import {fakeKey} from '../commands/audit-fixtures.js'
import {readmeCommands, readmeIniBlocks} from '../helpers/readme-commands.js'
import {CLI_ENTRY, REPO_ROOT, createSandbox, type Sandbox} from '../helpers/sandbox.js'

const README = join(REPO_ROOT, 'README.md')
const run = promisify(execFile)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * How each README command runs, by the first matching prefix (in order). A command matching none
 * gets the default: a signed-in sandbox with synced profiles, no terminal, exit 0 expected.
 * - needs: state set up once before it runs (signed in; profiles synced; a long-lived key planted;
 *   ./long-job.sh in the working directory);
 * - prelude: shell text run first in the same shell (e.g. the shell function);
 * - tty: run it in a real terminal (tmux) and answer what it shows;
 * - exit: the expected exit code (audit exits 1 when it finds a key).
 * A new README example that needs more than the default gets a row here.
 */
type Need = 'signedIn' | 'synced' | 'key' | 'longJob'
interface Setup {
  prefix: RegExp
  needs?: Need[]
  prelude?: string
  shell?: 'bash' | 'zsh' | 'fish'
  /** What to check after it ran (in that shell). */
  check?: string
  tty?: {waitFor: RegExp; type?: string; then?: RegExp}
  exit?: number
}
const functionBash = 'eval "$(keyless shell-init bash)"'
const setups: Setup[] = [
  {prefix: /^keyless (--help|help|--version)\b/, needs: []},
  {prefix: /^keyless configure --remove \S+$/, needs: ['signedIn'], tty: {waitFor: /Remove sso-session/, type: 'y'}},
  {prefix: /^keyless (configure|login|logout|status)\b/, needs: []},
  {prefix: /^eval "\$\(keyless shell-init zsh\)"$/, needs: ['signedIn', 'synced'], shell: 'zsh', check: 'whence -w keyless keyless_prompt >/dev/null'},
  {prefix: /^keyless switch$/, needs: ['signedIn', 'synced'], prelude: functionBash, tty: {waitFor: /Switch to \(\d+ entries\)/, type: 'sandbox', then: /❯ +sandbox/}},
  {prefix: /^keyless switch -$/, needs: ['signedIn', 'synced'], prelude: `${functionBash} && keyless switch workload-dev.ReadOnlyAccess`, check: 'test "$AWS_PROFILE" = ""'},
  {prefix: /^keyless switch\b/, needs: ['signedIn', 'synced'], prelude: functionBash},
  {prefix: /^keyless audit( --check)?$/, needs: ['signedIn', 'synced', 'key'], exit: 1},
  {prefix: /^keyless audit --fix$/, needs: ['signedIn', 'synced', 'key'], tty: {waitFor: /Move these keys off disk/}},
  // --delete takes a retired (inactive) key: the README's --reactivate just before made it active
  // again (and proving it works counts as a use, hence --force without a terminal).
  {prefix: /^keyless audit --delete\b/, needs: ['signedIn', 'synced', 'key'], prelude: 'keyless audit --retire --profile old-admin --yes --force >/dev/null'},
  {prefix: /^keyless audit\b/, needs: ['signedIn', 'synced', 'key']},
  {prefix: /--format fish \| source$/, needs: ['signedIn', 'synced'], shell: 'fish', check: 'test -n "$AWS_SECRET_ACCESS_KEY" -a -n "$AWS_CREDENTIAL_EXPIRATION"'},
  {prefix: /\.\/long-job\.sh/, needs: ['signedIn', 'synced', 'longJob']},
]
const setupOf = (command: string): Setup => setups.find((s) => s.prefix.test(command)) ?? {prefix: /.*/, needs: ['signedIn', 'synced']}

// Every `keyless …` command of README.md's code blocks, run in README order against the
// emulator's landing-zone org (as a new user would go through it), with the built CLI as
// `keyless` on PATH. The README is read at test time.
describe('README.md: every keyless command it shows runs (documentation test, built CLI, emulator)', function () {
  this.timeout(600_000)
  const commands = readmeCommands(README)
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  const state = {signedIn: false, synced: false, key: false, longJob: false}

  before(async () => {
    sb = await createSandbox({store: 'file'})
    const bin = join(sb.home, 'readme-bin')
    await run('mkdir', ['-p', bin])
    // `keyless` is the built CLI; `aws` is /usr/bin/aws pointed at the emulator (AWS CLI 2.9 ignores AWS_ENDPOINT_URL_*).
    await writeFile(join(bin, 'keyless'), `#!/bin/sh\nexec ${process.execPath} ${CLI_ENTRY} "$@"\n`)
    await writeFile(join(bin, 'aws'), `#!/bin/sh\nexec /usr/bin/aws --endpoint-url ${sb.emulator.url} "$@"\n`)
    await chmod(join(bin, 'keyless'), 0o755)
    await chmod(join(bin, 'aws'), 0o755)
    env = {...sb.env, PATH: `${bin}:${process.env.PATH}`, SHELL: '/bin/sh', AWS_PAGER: '', KEYLESS_BIN: undefined}
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  })
  after(async () => {
    // The README starts the agent (`keyless agent start`, `exec --agent`): stop it with the sandbox.
    if (sb) await inShell('keyless agent stop', 'bash', false)
    await sb?.cleanup()
  })

  it('finds the README\'s commands in its code blocks', () => {
    expect(commands.length).to.be.greaterThan(20)
    for (const first of ['configure', 'login', 'status', 'sync', 'switch', 'exec', 'audit']) {
      expect(commands.some((c) => c.command.startsWith(`keyless ${first}`)), first).to.equal(true)
    }
    // Comments are not part of the command; `$(keyless …)` counts.
    expect(commands.map((c) => c.command)).to.include('eval "$(keyless shell-init zsh)"')
    expect(commands.every((c) => !c.command.includes(' # '))).to.equal(true)
  })

  for (const {command, line} of readmeCommands(README)) {
    it(`README.md:${line}: ${command}`, async () => {
      const setup = setupOf(command)
      for (const need of setup.needs ?? []) await ensure(need)
      const script = [setup.prelude, command].filter(Boolean).join(' && ')
      const checked = setup.check ? `${script} && ${setup.check}` : script
      const result = setup.tty ? await inTerminal(checked, setup.tty) : await inShell(checked, setup.shell ?? 'bash', /--no-browser/.test(command))
      expect(result.code, `README.md:${line} \`${command}\` exited ${result.code}\n${result.output}`).to.equal(setup.exit ?? 0)
      if (/^keyless logout\b/.test(command)) state.signedIn = false
      if (/^keyless (login|configure)\b/.test(command)) state.signedIn = /^keyless login\b/.test(command)
      if (/^keyless configure --remove\b/.test(command)) state.synced = false
    })
  }

  it('the role-chain example in README.md works with the AWS CLI as written (external id, region)', async () => {
    await ensure('signedIn')
    await ensure('synced')
    const chains = readmeIniBlocks(README).filter((text) => !text.includes('keyless managed'))
    expect(chains.join('')).to.include('[profile auditor-cli]')
    await appendFile(sb.configFile, `\n${chains.join('\n')}`)
    const r = await inShell('aws sts get-caller-identity --profile auditor-cli --output json', 'bash', false)
    expect(r.code, r.output).to.equal(0)
    expect(JSON.parse(r.stdout).Arn).to.include(EXTERNAL_AUDITOR_ROLE_ARN.split(':role/')[1])
  })

  async function ensure(need: Need): Promise<void> {
    if (need === 'signedIn' && !state.signedIn) {
      if (!existsSync(sb.configFile) || !readFileSync(sb.configFile, 'utf8').includes('[sso-session acme]')) {
        expect((await inShell(`keyless configure --session acme --start-url ${sb.emulator.org.startUrl} --region ${sb.emulator.org.region}`, 'bash', false)).code).to.equal(0)
      }
      const login = await inShell('keyless login --session acme', 'bash', false)
      expect(login.code, login.output).to.equal(0)
      state.signedIn = true
    }
    if (need === 'synced' && !state.synced) {
      const sync = await inShell('keyless sync', 'bash', false)
      expect(sync.code, sync.output).to.equal(0)
      state.synced = true
    }
    if (need === 'key' && !state.key) {
      // Real IAM users' keys of the emulator (audit --check/--retire/--keep talk to IAM and STS
      // about them): old-admin is workload-dev's legacy-admin, legacy is shared-services' ci-bot;
      // scratch is a key IAM does not know, for the interactive checklist at the end.
      const iamKey = (user: {accountId: string; userName: string}) => sb.emulator.iamUser(user.accountId, user.userName)!.keys[0]
      const oldAdmin = iamKey(LANDING_ZONE_IAM_USERS.legacyAdmin)
      const legacy = iamKey(LANDING_ZONE_IAM_USERS.ciBot)
      const scratch = fakeKey()
      await writeFile(
        sb.credentialsFile,
        [
          ['old-admin', oldAdmin],
          ['legacy', legacy],
          ['scratch', scratch],
        ].map(([name, k]) => `[${name as string}]\naws_access_key_id = ${(k as typeof scratch).accessKeyId}\naws_secret_access_key = ${(k as typeof scratch).secretAccessKey}\n`).join('\n'),
      )
      state.key = true
    }
    if (need === 'longJob' && !state.longJob) {
      await writeFile(join(sb.home, 'long-job.sh'), '#!/bin/sh\n# a job that asks for credentials more than once\naws sts get-caller-identity --output json && aws sts get-caller-identity --output json >/dev/null\n')
      await chmod(join(sb.home, 'long-job.sh'), 0o755)
      state.longJob = true
    }
  }

  function inShell(script: string, shell: 'bash' | 'zsh' | 'fish', approve: boolean): Promise<{code: number | null; stdout: string; output: string}> {
    return new Promise((resolve) => {
      const child = spawn(shell, ['-c', script], {cwd: sb.home, env, stdio: ['pipe', 'pipe', 'pipe']})
      let stdout = ''
      let output = ''
      const approved = new Set<string>()
      child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), (output += d)))
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        output += d
        // --no-browser: the test is the person who opens the printed URL.
        if (!approve) return
        for (const url of d.match(/http:\/\/127\.0\.0\.1:\d+\/\S+/g) ?? []) {
          if (approved.has(url)) continue
          approved.add(url)
          void fetch(url.replace(/[.,)]+$/, '')).catch(() => undefined)
        }
      })
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, stdout, output})
      })
      child.stdin.end()
    })
  }

  async function inTerminal(script: string, tty: NonNullable<Setup['tty']>): Promise<{code: number | null; output: string}> {
    const socket = `keyless-readme-${process.pid}-${randomBytes(3).toString('hex')}`
    const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args], {env: {...env, TERM: 'xterm-256color'}, timeout: 15_000})
    const done = join(sb.home, `tty-${randomBytes(3).toString('hex')}.rc`)
    const scriptFile = join(sb.home, `tty-${randomBytes(3).toString('hex')}.sh`)
    // The command runs as the shell's only job, so nothing typed ahead reaches it.
    await writeFile(scriptFile, `${script}\necho "$?" > ${done}\n`)
    await tmux('new-session', '-d', '-s', 'k', '-x', '150', '-y', '40', `bash --norc --noprofile -i ${scriptFile}; sleep 600`)
    let screen = ''
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        screen = (await tmux('capture-pane', '-p', '-t', 'k')).stdout
        if (pattern.test(screen)) return
        await sleep(150)
      }
      throw new Error(`timed out waiting for ${pattern}:\n${screen}`)
    }
    try {
      await waitFor(tty.waitFor)
      if (tty.type) await tmux('send-keys', '-t', 'k', '-l', tty.type)
      if (tty.then) await waitFor(tty.then)
      await tmux('send-keys', '-t', 'k', 'Enter')
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline && !(existsSync(done) && readFileSync(done, 'utf8').endsWith('\n'))) await sleep(150)
      screen = (await tmux('capture-pane', '-p', '-t', 'k')).stdout
      return {code: existsSync(done) ? Number((await readFile(done, 'utf8')).trim()) : null, output: screen}
    } finally {
      await tmux('kill-server').catch(() => undefined)
      await rm(scriptFile, {force: true})
      await rm(done, {force: true})
    }
  }
})
