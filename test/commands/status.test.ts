import {expect} from 'chai'
import Status from '../../src/commands/status.js'
import type {StatusResult} from '../../src/status/session-status.js'
import {writeToken} from '../../src/sso/stored-items.js'
import {runCommand} from '../helpers/run-command.js'
import {session} from '../sso/fakes.js'
import {inProcessDeps} from './in-process-fixture.js'

// `keyless status` wired in-process (BaseCommand's deps() seam): flags → sessionStatus → rendering.
// The built CLI against the emulator is status.e2e.test.ts.
describe('keyless status (in-process)', () => {
  let f: Awaited<ReturnType<typeof inProcessDeps>>
  beforeEach(async () => {
    f = await inProcessDeps()
    const now = f.clock.now()
    await writeToken(f.store, 'corp', {accessToken: 'at-SECRETAT', refreshToken: 'rt-SECRETRT', expiresAt: now + 3600_000, startUrl: session.startUrl, region: session.region, scopes: session.scopes})
  })
  afterEach(() => f.cleanup())

  it('renders the sessions on stdout, never signs in, never shows a secret', async () => {
    const run = await runCommand(Status, [], f.deps)
    expect(run.exit, run.stderr).to.equal(0)
    expect(run.depsOptions).to.deep.equal([{noLogin: true}])
    expect(run.stdout).to.equal([
      'sso-session corp',
      '  start URL       https://d-1234567890.awsapps.com/start',
      '  region          eu-west-1',
      '  token           valid, 1h left (until 2026-01-01T01:00:00.000Z); refreshable',
      '  registration    none',
      '  role creds      none',
      'secret store: memory (in-memory store)',
      '',
    ].join('\n'))
    expect(run.stdout).not.to.include('\x1b[')
    for (const text of [run.stdout, run.stderr]) expect(text).not.to.match(/SECRET/)
  })

  it('--json returns the status document and prints it as JSON, nothing else', async () => {
    const run = await runCommand(Status, ['--json'], f.deps)
    expect(run.exit, run.stderr).to.equal(0)
    const result = run.result as StatusResult
    expect(result.sessions.map((s) => [s.session, s.token.state, s.token.refreshable])).to.deep.equal([['corp', 'valid', true]])
    expect(JSON.parse(run.stdout)).to.deep.equal(JSON.parse(JSON.stringify(result)))
  })

  it('a bad flag is one line on stderr, exit 2, nothing on stdout, deps never built', async () => {
    const run = await runCommand(Status, ['--bogus'], f.deps)
    expect(run.exit).to.equal(2)
    expect(run.stdout).to.equal('')
    expect(run.stderr).to.equal('keyless: Nonexistent flag: --bogus. See --help.\n')
    expect(run.depsOptions).to.deep.equal([])
  })
})
