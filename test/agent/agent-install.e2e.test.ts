import {execFile} from 'node:child_process'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'

const run = promisify(execFile)

describe('keyless agent install (built CLI)', function () {
  this.timeout(60_000)
  let sb: Sandbox
  before(async () => {
    sb = await createSandbox({emulator: false})
  })
  after(async () => sb?.cleanup())

  it('writes a systemd user unit running `keyless agent run`, with the config variables and no secret', async () => {
    const env = {KEYLESS_FILE_PASSPHRASE: 'not-to-be-copied'}
    const result = await sb.run(['agent', 'install', '--platform', 'linux'], {env})
    expect(result.code, result.stderr).to.equal(0)
    const file = join(sb.home, '.config', 'systemd', 'user', 'keyless-agent.service')
    expect(result.stderr).to.include(`Wrote ${file}`).and.include('systemctl --user enable --now keyless-agent.service')
    const unit = await readFile(file, 'utf8')
    expect(unit).to.include(`ExecStart="${process.execPath}" "${CLI_ENTRY}" "agent" "run"`)
    expect(unit).to.include(`Environment="AWS_CONFIG_FILE=${sb.configFile}"`)
    expect(unit).to.include('WantedBy=default.target')
    expect(unit).to.not.include('not-to-be-copied')
    // systemd's own checker accepts it (it fails on a bad ExecStart or a syntax error).
    await run('systemd-analyze', ['verify', file], {timeout: 30_000})
    // Its own file is replaced on a second run.
    expect((await sb.run(['agent', 'install', '--platform', 'linux'])).code).to.equal(0)
  })

  it('leaves a file of that name it did not write alone (exit 2) unless --force', async () => {
    const file = join(sb.home, '.config', 'systemd', 'user', 'keyless-agent.service')
    await writeFile(file, '# mine\n')
    const refused = await sb.run(['agent', 'install', '--platform', 'linux'])
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.match(/^keyless: .*keyless did not write it; left as it is\. Pass --force/)
    expect(await readFile(file, 'utf8')).to.equal('# mine\n')
    expect((await sb.run(['agent', 'install', '--platform', 'linux', '--force'])).code).to.equal(0)
    expect(await readFile(file, 'utf8')).to.include('keyless agent install')
  })

  it('prints a LaunchAgent plist that a plist parser reads, writing nothing', async () => {
    const result = await sb.run(['agent', 'install', '--platform', 'darwin', '--print'])
    expect(result.code, result.stderr).to.equal(0)
    const plist = join(sb.home, 'check.plist')
    await mkdir(dirname(plist), {recursive: true})
    await writeFile(plist, result.stdout)
    const {stdout} = await run('/usr/bin/python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))', plist])
    const parsed = JSON.parse(stdout) as {Label: string; ProgramArguments: string[]; RunAtLoad: boolean; EnvironmentVariables: Record<string, string>}
    expect(parsed.Label).to.equal('dev.keyless.agent')
    expect(parsed.ProgramArguments).to.deep.equal([process.execPath, CLI_ENTRY, 'agent', 'run'])
    expect(parsed.RunAtLoad).to.equal(true)
    expect(parsed.EnvironmentVariables.AWS_CONFIG_FILE).to.equal(sb.configFile)
    await readFile(join(sb.home, 'Library', 'LaunchAgents', 'dev.keyless.agent.plist')).then(
      () => expect.fail('written'),
      () => {},
    )
  })
})
