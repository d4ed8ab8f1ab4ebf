import {expect} from 'chai'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {startTmux, type TmuxSession} from '../guard/tmux-session.js'
import {plantKeys, type PlantedKeys} from './audit-fixtures.js'

describe('keyless audit --fix in a real terminal (tmux)', function () {
  this.timeout(120_000)
  let sandbox: Sandbox
  let keys: PlantedKeys
  let term: TmuxSession | undefined
  let tmuxDir: string

  beforeEach(async () => {
    sandbox = await createSandbox({emulator: false, store: 'file'})
    keys = await plantKeys(sandbox.home, sandbox.configFile, sandbox.credentialsFile)
    tmuxDir = await mkdtemp(join(tmpdir(), 'keyless-tmux-'))
  })
  afterEach(async () => {
    term?.close()
    term = undefined
    await sandbox.cleanup()
    await rm(tmuxDir, {recursive: true, force: true})
  })

  it('shows a checklist with the long-lived keys preselected; space toggles, enter moves the chosen ones', async () => {
    const env = {...sandbox.env, TERM: 'xterm-256color', HISTFILE: '/dev/null'}
    term = startTmux(tmuxDir, `${process.execPath} ${CLI_ENTRY} audit --fix; echo "EXIT=$?"; sleep 600`, env)
    const list = await term.waitFor(/Move these keys off disk[\s\S]*stale[\s\S]*submit/)
    // one line per profile / shell file; the expired temporary key is offered but not preselected
    const line = (name: string) => list.split('\n').find((l) => new RegExp(`[◉◯] ${name.replace(/[.~/]/g, '\\$&')}\\s`).test(l)) ?? ''
    expect(line('ci')).to.match(/◉ ci {2}~\/\.aws\/config:17 AKIA\*{4}\w{4} high/)
    expect(line('legacy')).to.include('◉')
    expect(line('~/.bashrc:3')).to.include('◉')
    expect(line('stale')).to.match(/◯ stale {2}~\/\.aws\/credentials:7 ASIA\*{4}\w{4} low/)
    expect(list).not.to.include(keys.legacy.secretAccessKey)
    term.send('Space') // the cursor starts on the first entry: ci — keep its keys
    await term.waitFor(/❯\s*◯\s*ci\b/)
    term.send('Enter')
    await term.waitFor(/EXIT=0/)
    const credentials = await readFile(sandbox.credentialsFile, 'utf8')
    const config = await readFile(sandbox.configFile, 'utf8')
    expect(credentials).not.to.include(keys.legacy.secretAccessKey)
    expect(credentials).to.include(keys.stale.secretAccessKey)
    expect(config).to.include(keys.ci.secretAccessKey)
    expect(await readFile(join(sandbox.home, '.bashrc'), 'utf8')).not.to.include(keys.shell.secretAccessKey)
  })
})
