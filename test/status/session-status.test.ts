import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {loadAwsConfig} from '../../src/config/load-aws-config.js'
import {resolveProfile} from '../../src/config/resolve-profile.js'
import {credentialKey} from '../../src/credentials/credential-key.js'
import {credentialSpec} from '../../src/credentials/credential-spec.js'
import {serializeCredentials} from '../../src/credentials/stored-credentials.js'
import {writeAssignmentCache} from '../../src/portal/assignment-cache.js'
import {storeKeys} from '../../src/store/keys.js'
import {sessionStatus} from '../../src/status/session-status.js'
import {formatStatus} from '../../src/status/format-status.js'
import {session} from '../sso/fakes.js'
import {adminConfig, signedIn, useAdminHome} from '../sso/signed-in-fixture.js'

describe('session status (and its formatting)', () => {
  const home = useAdminHome()

  describe('status', () => {
    it('reports token, refreshability, registration and cached role credentials per session, and no secret', async () => {
      const f = await signedIn(home.path)
      const result = await sessionStatus({nodeVersion: 'v22.1.0'}, f.deps)
      const corp = result.sessions.find((s) => s.session === 'corp')!
      expect(corp).to.deep.include({configured: true, startUrl: session.startUrl, region: session.region})
      expect(corp.token).to.deep.equal({state: 'valid', expiresAt: new Date(f.clock.now() + 3600_000).toISOString(), secondsLeft: 3600, refreshable: true})
      expect(corp.registration.secondsLeft).to.equal(90 * 24 * 3600 - 5)
      expect(corp.roleCredentials).to.deep.include({count: 3, expired: 1, soonestExpiry: new Date(f.clock.now() + 20 * 60_000).toISOString(), soonestSecondsLeft: 1200})
      const lab = result.sessions.find((s) => s.session === 'lab')!
      expect(lab.token).to.deep.equal({state: 'none', refreshable: false})
      expect(lab.roleCredentials.count).to.equal(2)
      expect(result.store.kind).to.equal('memory')
      expect(result.node).to.deep.equal({version: 'v22.1.0', supported: true})
      const text = formatStatus(result) + JSON.stringify(result)
      expect(text).not.to.match(/SECRET/)
      expect(formatStatus(result)).to.include('valid, 1h left').and.include('refreshable').and.include('3, soonest expiry in 20m (').and.include('); 1 expired').and.include('secret store: memory')
    })

    it('lists each cached credential with account name, role and time left, and marks guarded ones [PROD] (text and --json)', async () => {
      const f = await signedIn(home.path)
      // Account names from the non-secret account cache; a synced profile for the dev role; a chain marked production.
      await writeAssignmentCache(f.deps.paths.cacheDir, session, f.clock.now() - 5 * 3600_000, [
        {accountId: '111111111111', accountName: 'workload-prod', roles: ['Admin']},
        {accountId: '222222222222', accountName: 'workload-dev', roles: ['Read']},
      ])
      await writeFile(
        join(home.path, '.aws', 'config'),
        `${adminConfig}\n[profile app]\nkeyless_session = corp\nkeyless_account_id = 222222222222\nkeyless_role_name = Read\n\n` +
          `[profile release]\nrole_arn = arn:aws:iam::555555555555:role/Release\nsource_profile = app\nkeyless_environment = production\n\n` +
          `[profile lab-dev]\nkeyless_session = lab\nkeyless_account_id = 444444444444\nkeyless_role_name = Dev\n`,
      )
      const config = await loadAwsConfig(f.deps.paths)
      const releaseKey = credentialKey(credentialSpec(resolveProfile(config, 'release')))!
      expect(releaseKey).to.match(/^chain\/corp\//)
      await f.store.set(releaseKey, serializeCredentials({accessKeyId: 'ASIA7', secretAccessKey: 'sk-SECRET', sessionToken: 'st-SECRET', expiresAt: f.clock.now() + 40 * 60_000}))
      await f.store.set(storeKeys.role('corp', '999999999999', 'Broken'), '{"accessKeyId": "ASIA9", "expiresAt": 1}')

      const result = await sessionStatus({nodeVersion: 'v22.1.0'}, f.deps)
      const corp = result.sessions.find((s) => s.session === 'corp')!
      const at = (minutes: number) => ({expiresAt: new Date(f.clock.now() + minutes * 60_000).toISOString(), secondsLeft: minutes * 60})
      expect(corp.roleCredentials.items).to.deep.equal([
        {kind: 'role', accountId: '222222222222', accountName: 'workload-dev', roleName: 'Read', profiles: ['app'], guarded: false, ...at(20)},
        {kind: 'role', accountId: '111111111111', accountName: 'workload-prod', roleName: 'Admin', profiles: [], guarded: true, ...at(50)},
        {kind: 'chain', profiles: [], guarded: false, ...at(30)},
        {kind: 'chain', accountId: '555555555555', roleName: 'Release', profiles: ['release'], guarded: true, ...at(40)},
      ])
      expect(corp.roleCredentials).to.deep.include({count: 4, expired: 1})
      const lab = result.sessions.find((s) => s.session === 'lab')!
      expect(lab.roleCredentials.items.map((c) => [c.kind, c.accountId, c.profiles, c.guarded])).to.deep.equal([
        ['role', '444444444444', ['lab-dev'], false],
        ['chain', undefined, [], false],
      ])

      const plain = formatStatus(result)
      expect(plain).not.to.include('\x1b[')
      const lines = plain.split('\n')
      const header = lines.findIndex((l) => /^ {4} {8}ACCOUNT\s+NAME\s+ROLE\s+LEFT\s+PROFILE$/.test(l))
      expect(header, plain).to.be.greaterThan(0)
      expect(lines.slice(header + 1, header + 5)).to.deep.equal([
        '            222222222222  workload-dev   Read     20m   app',
        '    [PROD]  111111111111  workload-prod  Admin    50m   -',
        '            -             -              -        30m   - (role chain, no profile in the config)',
        '    [PROD]  555555555555  -              Release  40m   release (role chain)',
      ])
      // No guarded entry in lab: no marker column.
      expect(plain).to.include('    ACCOUNT       NAME  ROLE  LEFT  PROFILE\n    444444444444  -     Dev   1h    lab-dev')
      const colored = formatStatus(result, {color: true})
      expect(colored.split('\x1b[1;31m[PROD]\x1b[0m')).to.have.length(3)
      expect(colored.replaceAll('\x1b[1;31m', '').replaceAll('\x1b[0m', '')).to.equal(plain)
      expect(plain + JSON.stringify(result)).not.to.match(/SECRET|ASIA/)
    })

    it('a serving profile decides: a *prod* profile name guards a role, keyless_environment = dev unguards a prod-named account', async () => {
      const f = await signedIn(home.path)
      await writeAssignmentCache(f.deps.paths.cacheDir, session, f.clock.now(), [{accountId: '111111111111', accountName: 'workload-prod', roles: ['Admin']}])
      await writeFile(
        join(home.path, '.aws', 'config'),
        `${adminConfig}\n[profile prod-reader]\nkeyless_session = corp\nkeyless_account_id = 222222222222\nkeyless_role_name = Read\n\n` +
          `[profile sandbox-admin]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nkeyless_environment = dev\n`,
      )
      const corp = (await sessionStatus({nodeVersion: 'v22.1.0'}, f.deps)).sessions.find((s) => s.session === 'corp')!
      expect(corp.roleCredentials.items.filter((c) => c.kind === 'role').map((c) => [c.accountId, c.profiles, c.guarded])).to.deep.equal([
        ['222222222222', ['prod-reader'], true],
        ['111111111111', ['sandbox-admin'], false],
      ])
    })

    it('says expiring and expired, and that an old Node is below the SDK\'s upcoming minimum', async () => {
      const f = await signedIn(home.path)
      f.clock.advance(50 * 60_000)
      let corp = (await sessionStatus({nodeVersion: 'v20.20.2'}, f.deps)).sessions[0]
      expect(corp.token.state).to.equal('expiring')
      f.clock.advance(20 * 60_000)
      const result = await sessionStatus({nodeVersion: 'v20.20.2'}, f.deps)
      corp = result.sessions[0]
      expect(corp.token.state).to.equal('expired')
      expect(formatStatus(result)).to.include('expired 10m ago; refreshable')
      expect(result.node.supported).to.equal(false)
    })
  })
})
