import {expect} from 'chai'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'

// The CLI's surface as a user meets it: oclif help, "did you mean", and bad input as one line.
describe('keyless CLI surface (built CLI)', function () {
  this.timeout(60_000)
  let sb: Sandbox
  before(async () => {
    sb = await createSandbox({emulator: false})
  })
  after(() => sb?.cleanup())

  const oneLine = (stderr: string) => stderr.trim().split('\n')

  it('--help lists every command with oclif help', async () => {
    const {code, stdout} = await sb.run(['--help'])
    expect(code).to.equal(0)
    for (const command of ['audit', 'autocomplete', 'configure', 'console', 'credential-process', 'exec', 'list', 'login', 'logout', 'shell-init', 'status', 'switch', 'sync']) {
      expect(stdout).to.match(new RegExp(`^  ${command} `, 'm'))
    }
  })

  it('an unknown command without a terminal: one line naming it, the closest command and the way to the list, exit 127', async () => {
    for (const [typed, closest] of [['swich', 'switch'], ['logn', 'login'], ['credential-proces', 'credential-process']]) {
      const {code, stderr, stdout} = await sb.run([typed])
      expect(code, typed).to.equal(127)
      expect(stdout).to.equal('')
      expect(oneLine(stderr), stderr).to.have.length(1)
      expect(stderr).to.equal(`keyless: ${typed} is not a keyless command. Did you mean ${closest}? Run \`keyless help\` for the list of commands.\n`)
    }
    const far = await sb.run(['xyzzy'])
    expect(far.code).to.equal(127)
    expect(far.stderr).to.equal('keyless: xyzzy is not a keyless command. Run `keyless help` for the list of commands.\n')
  })

  it('credential-process without --profile: one line in our voice naming --profile NAME, exit 2', async () => {
    const {code, stderr, stdout} = await sb.run(['credential-process'])
    expect(code).to.equal(2)
    expect(stdout).to.equal('')
    expect(oneLine(stderr), stderr).to.have.length(1)
    expect(stderr).to.match(/^keyless: credential-process needs --profile NAME/)
    expect(stderr).not.to.include('The following error occurred')
  })

  it('a bad flag, a missing argument and a bad option value are one line each, exit 2, no stack', async () => {
    for (const [args, expected] of [
      [['list', '--bogus'], 'keyless: Nonexistent flag: --bogus. See --help.'],
      [['exec'], 'keyless: Missing 1 required arg: profile'],
      [['shell-init', 'tcsh'], 'keyless: Expected tcsh to be one of: bash, zsh, fish. See --help.'],
    ] as const) {
      const {code, stderr, stdout} = await sb.run([...args])
      expect(code, args.join(' ')).to.equal(2)
      expect(stdout).to.equal('')
      expect(oneLine(stderr), stderr).to.have.length(1)
      expect(stderr).to.include(expected)
      expect(stderr).not.to.match(/\n\s+at /)
    }
  })

  describe('--debug (a global flag) and DEBUG=1', () => {
    const stack = /\n\s+at \S/
    const failing = ['exec', 'no-such-profile', '--', 'true']

    it('without either, a failing command prints one line and no stack trace', async () => {
      const {code, stderr} = await sb.run(failing)
      expect(code).to.equal(2)
      expect(oneLine(stderr), stderr).to.have.length(1)
      expect(stderr).to.match(/^keyless: Profile "no-such-profile" not found/)
      expect(stderr).not.to.match(stack)
    })

    it('--debug is accepted by every command (it is in the help) and adds the stack trace', async () => {
      const {code, stderr} = await sb.run(['exec', 'no-such-profile', '--debug', '--', 'true'])
      expect(code).to.equal(2)
      expect(stderr).not.to.include('Nonexistent flag')
      expect(stderr).to.match(/^keyless: Profile "no-such-profile" not found/)
      expect(stderr).to.match(stack)
      for (const command of ['status', 'sync', 'credential-process', 'audit']) {
        const help = await sb.run([command, '--help'])
        expect(help.stdout, command).to.match(/--debug\s+print stack traces/)
      }
    })

    it('DEBUG=1 adds the stack trace too', async () => {
      const {code, stderr} = await sb.run(failing, {env: {DEBUG: '1'}})
      expect(code).to.equal(2)
      expect(stderr).to.match(stack)
    })

    it('when parsing itself fails, --debug still counts (from argv); a --debug after -- belongs to the command', async () => {
      const bad = await sb.run(['status', '--bogus', '--debug'])
      expect(bad.code).to.equal(2)
      expect(bad.stderr).to.include('keyless: Nonexistent flag: --bogus.')
      expect(bad.stderr).to.match(stack)
      const passed = await sb.run(['exec', 'no-such-profile', '--', 'echo', '--debug'])
      expect(passed.code).to.equal(2)
      expect(passed.stderr).not.to.match(stack)
    })
  })
})
