import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ExitCode, KeylessError, UsageError} from '../../src/errors.js'
import {storeKeys} from '../../src/store/keys.js'
import {configureSession} from '../../src/sso/configure-session.js'
import {logoutSession} from '../../src/sso/logout-session.js'
import {fakeDeps, session} from './fakes.js'
import {adminConfig, signedIn, useAdminHome} from './signed-in-fixture.js'

describe('sso session administration (configure, logout)', () => {
  const home = useAdminHome()

  describe('logout', () => {
    it('ends the portal session with the token and removes every secret of that session only', async () => {
      const f = await signedIn(home.path)
      const token = f.oidc.issued[0].accessToken
      const [result] = await logoutSession({session: 'corp'}, f.deps)
      expect(result).to.deep.equal({session: 'corp', portal: 'ended', removed: 6})
      expect(f.oidc.calls.find((c) => c.op === 'LogoutCommand')?.input).to.deep.equal({accessToken: token})
      expect(await f.store.list('')).to.deep.equal([storeKeys.chain('lab', 'beef'), storeKeys.role('lab', '444444444444', 'Dev'), storeKeys.token('corp-other')])
      expect(f.stderr.text()).to.include('Logged out of session "corp": 6 secrets removed')
    })

    it('is best effort when the portal cannot be reached, and says so', async () => {
      const f = await signedIn(home.path)
      f.oidc.portalDown = true
      const [result] = await logoutSession({session: 'corp'}, f.deps)
      expect(result.portal).to.equal('unreachable')
      expect(result.removed).to.equal(6)
      expect(f.stderr.text()).to.include('Could not reach the AWS access portal').and.include('the local secrets are removed')
    })

    it('--all covers configured sessions and sessions only left in the store', async () => {
      const f = await signedIn(home.path)
      const results = await logoutSession({all: true}, f.deps)
      expect(results.map((r) => r.session)).to.deep.equal(['corp', 'lab', 'corp-other'])
      expect(await f.store.list('')).to.deep.equal([])
    })

    it('needs a session name when several are configured, and changes nothing', async () => {
      const f = await signedIn(home.path)
      const before = await f.store.list('')
      const error = await logoutSession({}, f.deps).catch((e: unknown) => e)
      expect(error).to.be.instanceOf(UsageError)
      expect((error as KeylessError).line).to.include('corp, lab')
      expect(await f.store.list('')).to.deep.equal(before)
    })

    it('refreshes an expired token to end the portal session', async () => {
      const f = await signedIn(home.path)
      f.clock.advance(2 * 3600_000)
      const [result] = await logoutSession({session: 'corp'}, f.deps)
      expect(result.portal).to.equal('ended')
      expect(f.oidc.count('CreateTokenCommand', 'refresh_token')).to.equal(1)
      expect(await f.store.get(storeKeys.token('corp'))).to.equal(undefined)
    })
  })

  describe('configure', () => {
    const base = (f: ReturnType<typeof fakeDeps>, isInteractive = false, prompted: unknown[] = []) => ({
      paths: f.deps.paths,
      stderr: f.stderr,
      isInteractive,
      prompt: async (given: object, defaults: object) => {
        prompted.push({given, defaults})
        return {name: 'new', startUrl: 'https://new.awsapps.com/start', region: 'ap-southeast-2', scopes: ['sso:account:access']}
      },
    })

    it('adds a session by flags, keeping every other byte', async () => {
      const f = fakeDeps({home: home.path})
      const result = await configureSession({name: 'new', startUrl: 'https://new.awsapps.com/start', region: 'eu-central-1'}, base(f))
      expect(result).to.deep.include({created: true, changed: true, scopes: ['sso:account:access']})
      const text = await readFile(join(home.path, '.aws', 'config'), 'utf8')
      expect(text.startsWith(adminConfig)).to.equal(true)
      expect(text).to.include('[sso-session new]\nsso_start_url = https://new.awsapps.com/start\nsso_region = eu-central-1\nsso_registration_scopes = sso:account:access\n')
    })

    it('edits an existing session keeping the values not given', async () => {
      const f = fakeDeps({home: home.path})
      const result = await configureSession({name: 'corp', region: 'eu-north-1'}, base(f))
      expect(result).to.deep.include({startUrl: session.startUrl, region: 'eu-north-1', created: false, changed: true})
    })

    it('without a terminal, names the missing flags and changes nothing', async () => {
      const f = fakeDeps({home: home.path})
      const error = (await configureSession({name: 'x'}, base(f)).catch((e: unknown) => e)) as KeylessError
      expect(error.exit).to.equal(ExitCode.usage)
      expect(error.line).to.match(/^Missing --start-url, --region/)
      expect(await readFile(join(home.path, '.aws', 'config'), 'utf8')).to.equal(adminConfig)
    })

    it('rejects a bad start URL or region without touching the file', async () => {
      const f = fakeDeps({home: home.path})
      for (const input of [{name: 'x', startUrl: 'http://evil.example/start', region: 'eu-west-1'}, {name: 'x', startUrl: 'https://a.awsapps.com/start', region: 'mars-1'}]) {
        const error = (await configureSession(input, base(f)).catch((e: unknown) => e)) as KeylessError
        expect(error.exit).to.equal(ExitCode.usage)
      }
      expect(await readFile(join(home.path, '.aws', 'config'), 'utf8')).to.equal(adminConfig)
    })

    it('on a terminal, asks for what is missing with the current values as defaults', async () => {
      const f = fakeDeps({home: home.path})
      const prompted: unknown[] = []
      await configureSession({name: 'corp', startUrl: undefined}, {...base(f, true, prompted)}).catch(() => {})
      // corp is complete from the file: no prompt needed
      expect(prompted).to.deep.equal([])
      await configureSession({}, base(f, true, prompted))
      expect(prompted).to.have.length(1)
      expect(await readFile(join(home.path, '.aws', 'config'), 'utf8')).to.include('[sso-session new]')
    })
  })
})
