import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {KEYLESS_BIN, signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A private tmux server: a real terminal for the picker. */
function tmux(socket: string, env: NodeJS.ProcessEnv) {
  const cmd = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args], {env, timeout: 10_000})
  return {
    start: (shell: string) => cmd('new-session', '-d', '-s', 'k', '-x', '150', '-y', '40', shell),
    keys: (...keys: string[]) => cmd('send-keys', '-t', 'k', ...keys),
    text: (text: string) => cmd('send-keys', '-t', 'k', '-l', text),
    screen: async () => (await cmd('capture-pane', '-p', '-t', 'k')).stdout,
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      let last = ''
      while (Date.now() < deadline) {
        last = await this.screen()
        if (pattern.test(last)) return last
        await sleep(100)
      }
      throw new Error(`timed out waiting for ${pattern} on the screen:\n${last}`)
    },
    kill: () => cmd('kill-server').catch(() => undefined),
  }
}

async function waitForFile(path: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8')
      if (text.endsWith('\n')) return text
    }
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${path}`)
}

describe('keyless switch', function () {
  this.timeout(180_000)
  let t: SignedIn
  before(async () => {
    t = await signedInSandbox({sync: true})
  })
  after(async () => t?.cleanup())

  describe('in a real terminal (tmux)', () => {
    const socket = `keyless-test-${process.pid}`
    let term: ReturnType<typeof tmux>
    before(async () => {
      term = tmux(socket, {...t.sb.env, ...t.env, TERM: 'xterm-256color', PS1: '$ '})
      await term.start('bash --norc --noprofile')
      await term.text(`eval "$(${KEYLESS_BIN} shell-init bash)"; cd ${t.sb.home}`)
      await term.keys('Enter')
    })
    after(async () => term?.kill())

    const out = () => join(t.sb.home, 'picker-result.txt')
    const launch = async () => {
      rmSync(out(), {force: true})
      await term.text(`keyless switch; echo "rc=$? profile=\${AWS_PROFILE-}" > ${out()}`)
      await term.keys('Enter')
      return term.waitFor(/Switch to \(16 entries\)/)
    }

    it('shows every pair with [PROD] marks, filters as you type, and Enter switches the calling shell', async () => {
      const first = await launch()
      expect(first).to.match(/\[PROD\] workload-prod\s+173205080756\s+PowerUserAccess\s+corp\s+→ workload-prod\.PowerUserAccess/)
      expect(first).to.match(/ {7}sandbox\s+264575131106\s+AdministratorAccess/)
      await term.text('wl dev ro')
      const filtered = await term.waitFor(/❯ +workload-dev +223606797749 +ReadOnlyAccess/)
      expect(filtered).to.not.include('workload-prod')
      await term.keys('Enter')
      expect(await waitForFile(out())).to.equal('rc=0 profile=workload-dev.ReadOnlyAccess\n')
      // The choice is remembered: first next time (frecency).
      const again = await launch()
      expect(again).to.match(/❯ +workload-dev +223606797749 +ReadOnlyAccess/)
      await term.keys('Escape')
      expect(await waitForFile(out())).to.equal('rc=130 profile=workload-dev.ReadOnlyAccess\n')
    })

    it('Esc and Ctrl-C cancel with exit code 130, changing nothing', async () => {
      await launch()
      await term.text('sandbox')
      await term.waitFor(/❯ +sandbox/)
      await term.keys('Escape')
      expect(await waitForFile(out())).to.match(/^rc=130 profile=/)
      await launch()
      await term.keys('C-c')
      expect(await waitForFile(out())).to.match(/^rc=130 profile=/)
    })
  })

  describe('without a terminal', () => {
    it('--print prints only the profile name for a query with exactly one match', async () => {
      const r = await t.sb.run(['switch', '--print', 'log archive'], {env: t.env})
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout).to.equal('log-archive.ReadOnlyAccess\n')
    })

    it('an exact profile name wins over fuzzy matches', async () => {
      const r = await t.sb.run(['switch', '--print', 'workload-dev.AdministratorAccess'], {env: t.env})
      expect(r.stdout).to.equal('workload-dev.AdministratorAccess\n')
    })

    it('requires a QUERY, and an ambiguous one fails listing the best matches (exit 2)', async () => {
      const none = await t.sb.run(['switch', '--print'], {env: t.env})
      expect(none.code).to.equal(2)
      expect(none.stderr).to.include('No terminal for the picker')
      const many = await t.sb.run(['switch', '--print', 'workload read'], {env: t.env})
      expect(many.code).to.equal(2)
      expect(many.stdout).to.equal('')
      expect(many.stderr).to.match(/"workload read" matches \d+ entries/)
      expect(many.stderr).to.match(/\[PROD\] {2}workload-prod\.ReadOnlyAccess/)
      const nothing = await t.sb.run(['switch', '--print', 'zzzz'], {env: t.env})
      expect(nothing.code).to.equal(2)
      expect(nothing.stderr).to.include('Nothing matches "zzzz"')
    })

    it('without the shell function, opens a subshell with the credentials and says how to install the function', async () => {
      const r = await t.sb.run(['switch', 'workload-dev.ReadOnlyAccess'], {
        env: {...t.env, SHELL: '/bin/sh'},
        input: 'echo "in=$KEYLESS_PROFILE key=${AWS_ACCESS_KEY_ID%%????????????????}"; exit 7\n',
      })
      expect(r.code).to.equal(7)
      expect(r.stdout).to.equal('in=workload-dev.ReadOnlyAccess key=ASIA\n')
      expect(r.stderr).to.include('eval "$(keyless shell-init bash)"')
    })

    it('`switch -` without the shell function is a usage error', async () => {
      const r = await t.sb.run(['switch', '-'], {env: t.env})
      expect(r.code).to.equal(2)
      expect(r.stderr).to.include('needs the keyless shell function')
    })
  })
})
