import {expect} from 'chai'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {fakeKey} from '../commands/audit-fixtures.js'
import {startTmux, type TmuxSession} from './tmux-session.js'

const key = fakeKey()
const CONFIG = `[profile ci-source]
aws_access_key_id = ${key.accessKeyId}
aws_secret_access_key = ${key.secretAccessKey}

[profile payments-prod]
role_arn = arn:aws:iam::111111111111:role/Deployer
source_profile = ci-source

[profile dev-sandbox]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = ci-source
`

describe('guardrails in a real terminal (tmux, bash, keyless switch)', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let term: TmuxSession | undefined
  let tmuxDir: string
  const keyless = `${process.execPath} ${CLI_ENTRY}`

  beforeEach(async () => {
    sandbox = await createSandbox({emulator: false, store: 'file', config: CONFIG})
    tmuxDir = await mkdtemp(join(tmpdir(), 'keyless-tmux-'))
  })
  afterEach(async () => {
    term?.close()
    term = undefined
    await sandbox.cleanup()
    await rm(tmuxDir, {recursive: true, force: true})
  })

  async function shell(extraEnv: NodeJS.ProcessEnv = {}): Promise<TmuxSession> {
    const env: NodeJS.ProcessEnv = {...sandbox.env, KEYLESS_BIN: keyless, TERM: 'xterm-256color', ...extraEnv}
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
    const t = startTmux(tmuxDir, 'bash --norc --noprofile', {...env, HISTFILE: '/dev/null'})
    term = t // closed by afterEach even when a wait below times out
    await t.waitFor(/[$#]\s*$/m)
    t.send(`eval "$(${keyless} shell-init bash)"; PS1='$(keyless_prompt)> '`, 'Enter')
    await t.waitFor(/^>\s*$/m)
    return t
  }

  it('asks before switching into a production profile: banner with account and role, the name typed, then the prompt shows PROD', async () => {
    term = await shell()
    term.send('keyless switch payments-prod', 'Enter')
    const asked = await term.waitFor(/Type payments-prod to continue/)
    expect(asked).to.include('!! PRODUCTION !!')
    expect(asked).to.match(/account\s+111111111111/)
    expect(asked).to.match(/role\s+Deployer/)
    expect(asked).to.match(/profile\s+payments-prod/)
    term.send('payments-prod', 'Enter')
    await term.waitFor(/Switched to/)
    term.send('clear; echo "P=$AWS_PROFILE E=$KEYLESS_ENVIRONMENT"', 'Enter')
    await term.waitFor(/P=payments-prod E=prod/)
    // NO_COLOR is set in the sandbox: the prompt segment carries the text marker.
    await term.waitFor(/^\[payments-prod !! PROD !!\] >/m)
  })

  it('a wrong answer (or just y) cancels: exit 130, nothing changes', async () => {
    term = await shell()
    term.send('keyless switch payments-prod', 'Enter')
    await term.waitFor(/Type payments-prod to continue/)
    term.send('y', 'Enter')
    await term.waitFor(/Not confirmed: nothing was done/)
    term.send('echo "status=$? P=${AWS_PROFILE:-none} E=${KEYLESS_ENVIRONMENT:-none}"', 'Enter')
    await term.waitFor(/status=130 P=none E=none/)
    term.send('clear; keyless switch payments-prod; echo "status=$?"', 'Enter')
    await term.waitFor(/Type payments-prod/)
    term.send('C-c')
    await term.waitFor(/status=130/)
  })

  it('in color: white on red, bold', async () => {
    term = await shell({NO_COLOR: undefined})
    term.send('keyless switch payments-prod', 'Enter')
    await term.waitFor(/Type payments-prod to continue/)
    // tmux re-encodes attributes; look for bold and a red background on the marker
    const colored = term.screen(true)
    const marker = colored.split('\n').find((l) => l.includes('!! PRODUCTION !!'))!
    expect(marker).to.match(/\x1b\[[0-9;]*41[0-9;]*m/) // eslint-disable-line no-control-regex
    expect(marker).to.match(/\x1b\[[0-9;]*1[;m]/) // eslint-disable-line no-control-regex
    term.send('C-c')
  })

  it('a profile that is not guarded switches without asking', async () => {
    term = await shell()
    term.send('keyless switch dev-sandbox && echo "P=$AWS_PROFILE E=${KEYLESS_ENVIRONMENT:-none}"', 'Enter')
    const screen = await term.waitFor(/P=dev-sandbox E=none/)
    expect(screen).not.to.include('PRODUCTION')
  })

  it('without a terminal: refused with exit 2 and one line; --yes goes ahead', async () => {
    const exportFile = join(sandbox.home, 'exports.sh')
    const env = {KEYLESS_SHELL: 'bash', KEYLESS_SHELL_EXPORT_FILE: exportFile}
    const refused = await sandbox.run(['switch', 'payments-prod'], {env})
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.equal(
      'keyless: Account 111111111111 is guarded (production) and there is no terminal to confirm on. Pass --yes to keyless switch if you mean it.\n',
    )
    const yes = await sandbox.run(['switch', 'payments-prod', '--yes'], {env})
    expect(yes.code, yes.stderr).to.equal(0)
    expect(yes.stderr).to.match(/!! PRODUCTION !! Account 111111111111, role Deployer: going ahead \(--yes\)/)
    expect(await readFile(exportFile, 'utf8')).to.match(/KEYLESS_ENVIRONMENT=.?prod/)
  })
})
