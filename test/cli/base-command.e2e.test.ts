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

  it('an unknown command is named, with the way to the list of commands, exit 127', async () => {
    const {code, stderr} = await sb.run(['swich'])
    expect(code).to.equal(127)
    expect(stderr).to.include('swich is not a keyless command').and.include('keyless help')
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
})
