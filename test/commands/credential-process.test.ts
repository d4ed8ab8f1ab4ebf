import {expect} from 'chai'
import CredentialProcess from '../../src/commands/credential-process.js'
import {ExitCode} from '../../src/errors.js'
import {runCommand} from '../helpers/run-command.js'
import {CORP_CONFIG, inProcessDeps} from './in-process-fixture.js'

// `keyless credential-process` wired in-process: the flags it passes to deps() and the exit codes
// of its failures. Credentials on stdout, the hot path and the real consumers (AWS CLI, boto3,
// the SDK) are credential-process.serial.e2e.test.ts and interop/.
describe('keyless credential-process (in-process)', () => {
  let f: Awaited<ReturnType<typeof inProcessDeps>>
  beforeEach(async () => {
    f = await inProcessDeps(`${CORP_CONFIG}\n[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n`)
  })
  afterEach(() => f.cleanup())

  it('--no-login without a session: login required, exit 3, one line, nothing on stdout, no sign-in', async () => {
    const run = await runCommand(CredentialProcess, ['--profile', 'dev', '--no-login'], f.deps)
    expect(run.depsOptions).to.deep.equal([{noLogin: true, flow: undefined}])
    expect(run.exit).to.equal(ExitCode.loginRequired)
    expect(run.stdout).to.equal('')
    expect(run.stderr.split('\n').filter(Boolean)).to.have.length(1)
    expect(run.stderr).to.match(/^keyless: .*keyless login/)
    expect(f.browser).to.deep.equal([])
    expect(f.oidc.calls).to.deep.equal([])
  })

  it('an unknown profile is a usage error (exit 2) naming it; a missing --profile too', async () => {
    const unknown = await runCommand(CredentialProcess, ['--profile', 'nope'], f.deps)
    expect(unknown.exit).to.equal(ExitCode.usage)
    expect(unknown.stderr).to.match(/^keyless: .*nope/)
    const missing = await runCommand(CredentialProcess, [], f.deps)
    expect(missing.exit).to.equal(2)
    expect(missing.stderr).to.equal('keyless: The following error occurred: Missing required flag profile. See --help.\n')
    expect(missing.depsOptions).to.deep.equal([])
  })
})
