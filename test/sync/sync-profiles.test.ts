import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import {loadSharedConfigFiles} from '@smithy/shared-ini-file-loader'
import {replaceManagedBlock} from '../../src/config/managed-block.js'
import {syncProfiles} from '../../src/sync/sync-profiles.js'
import {corp, lab, sessionSection, syncFixture, type SyncFixture} from './sync-fixture.js'

const landing = [
  {accountId: '111111111111', accountName: 'workload-prod', roles: ['AdministratorAccess', 'ReadOnlyAccess']},
  {accountId: '222222222222', accountName: 'workload-dev', roles: ['AdministratorAccess']},
  {accountId: '333333333333', accountName: 'Shared Services (EU)', roles: ['PowerUserAccess']},
]
const cmd = 'keyless'

describe('syncProfiles', () => {
  let f: SyncFixture
  beforeEach(async () => {
    f = await syncFixture()
  })
  afterEach(async () => f.cleanup())

  it('writes one profile per pair in a managed block, every other byte kept (comments, CRLF, odd spacing)', async () => {
    const original =
      '# my AWS config\r\n' +
      '[default]\r\n' +
      'region=eu-central-1   ; trailing comment\r\n' +
      '\r\n' +
      '\r\n' +
      '[profile hand-made]\r\n' +
      '   role_arn = arn:aws:iam::123456789012:role/X\r\n' +
      'source_profile=default\r\n' +
      sessionSection(corp, '\r\n') +
      '# the end, no final newline'
    await f.write(original)
    await f.accounts(corp, landing)
    const result = await syncProfiles({keylessCommand: cmd}, f.deps)
    const after = await f.read()
    expect(result.changed).to.equal(true)
    expect(result.added).to.deep.equal([
      'Shared-Services-EU.PowerUserAccess',
      'workload-dev.AdministratorAccess',
      'workload-prod.AdministratorAccess',
      'workload-prod.ReadOnlyAccess',
    ])
    // Removing the block gives back the original byte for byte (plus the CRLF that had to end its
    // last line for a block to follow it).
    expect(after.startsWith(`${original}\r\n\r\n# >>> keyless managed: corp`)).to.equal(true)
    expect(replaceManagedBlock(after, 'corp', undefined)).to.equal(`${original}\r\n`)
    // The block uses the file's CRLF.
    expect(after.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).to.equal(true)
    // The AWS SDK reads the profiles we meant.
    const {configFile} = await loadSharedConfigFiles({configFilepath: f.configFile, filepath: f.deps.paths.credentialsFile, ignoreCache: true})
    expect(configFile['workload-prod.AdministratorAccess']).to.deep.include({
      credential_process: 'keyless credential-process --profile workload-prod.AdministratorAccess',
      keyless_session: 'corp',
      keyless_account_id: '111111111111',
      keyless_account_name: 'workload-prod',
      keyless_role_name: 'AdministratorAccess',
      region: 'eu-west-1',
      keyless_environment: 'prod',
    })
    expect(configFile['workload-dev.AdministratorAccess']).to.not.have.property('keyless_environment')
    expect(result.backup).to.be.a('string')
    expect(await readFile(result.backup!, 'utf8')).to.equal(original)
  })

  it('changes nothing the second time (no write, no new backup)', async () => {
    await f.write(sessionSection(corp))
    await f.accounts(corp, landing)
    await syncProfiles({keylessCommand: cmd}, f.deps)
    const first = await f.read()
    const mtime = (await stat(f.configFile)).mtimeMs
    const again = await syncProfiles({keylessCommand: cmd}, f.deps)
    expect(again.changed).to.equal(false)
    expect(again.diff).to.equal('')
    expect(again.unchanged).to.equal(4)
    expect(await f.read()).to.equal(first)
    expect((await stat(f.configFile)).mtimeMs).to.equal(mtime)
  })

  it('prunes pairs that disappeared and adds new ones', async () => {
    await f.write(sessionSection(corp))
    await f.accounts(corp, landing)
    await syncProfiles({keylessCommand: cmd}, f.deps)
    await f.accounts(corp, [{...landing[0], roles: ['ReadOnlyAccess']}, {accountId: '444444444444', accountName: 'sandbox', roles: ['Admin']}])
    const result = await syncProfiles({keylessCommand: cmd}, f.deps)
    expect(result.removed).to.deep.equal(['Shared-Services-EU.PowerUserAccess', 'workload-dev.AdministratorAccess', 'workload-prod.AdministratorAccess'])
    expect(result.added).to.deep.equal(['sandbox.Admin'])
    expect(await f.read()).to.not.include('workload-dev')
  })

  it('never overwrites a hand-written profile: that pair is skipped and reported', async () => {
    const hand = '[profile workload-dev.AdministratorAccess]\nregion = us-west-2\nsso_session = corp\n'
    await f.write(sessionSection(corp) + hand)
    await f.accounts(corp, landing)
    const result = await syncProfiles({keylessCommand: cmd}, f.deps)
    expect(result.skipped).to.deep.equal([
      {profile: 'workload-dev.AdministratorAccess', session: 'corp', accountId: '222222222222', roleName: 'AdministratorAccess', reason: 'a hand-written profile has this name'},
    ])
    const after = await f.read()
    expect(after.startsWith(sessionSection(corp) + hand)).to.equal(true)
    expect(after.match(/\[profile workload-dev\.AdministratorAccess\]/g)).to.have.length(1)
  })

  it('makes names that collide across sessions unique; a name once written keeps it, the newcomer gets the suffix', async () => {
    const shared = [{accountId: '555555555555', accountName: 'audit', roles: ['ReadOnlyAccess']}]
    const labAccounts = [{accountId: '666666666666', accountName: 'audit', roles: ['ReadOnlyAccess']}, {accountId: '777777777777', accountName: 'lab-only', roles: ['Admin']}]
    const base = sessionSection(corp) + '\n' + sessionSection(lab)
    const expected: Record<string, string[]> = {
      'corp,lab': ['audit.ReadOnlyAccess', 'audit.ReadOnlyAccess.lab', 'lab-only.Admin'],
      'lab,corp': ['audit.ReadOnlyAccess', 'audit.ReadOnlyAccess.corp', 'lab-only.Admin'],
      // Both new in one run: nobody wins the plain name.
      all: ['audit.ReadOnlyAccess.corp', 'audit.ReadOnlyAccess.lab', 'lab-only.Admin'],
    }
    for (const order of [['corp', 'lab'], ['lab', 'corp'], ['all']]) {
      await f.write(base)
      await f.accounts(corp, shared)
      await f.accounts(lab, labAccounts)
      const results = []
      for (const session of order) results.push(await syncProfiles({keylessCommand: cmd, session: session === 'all' ? undefined : session}, f.deps))
      const text = await f.read()
      const names = [...text.matchAll(/^\[profile (.+)\]$/gm)].map((m) => m[1]).sort()
      expect(names, order.join(',')).to.deep.equal(expected[order.join(',')])
      if (order.length === 2) {
        const [first, second] = order
        expect(results[0].suffixed).to.deep.equal([])
        expect(results[1].suffixed).to.deep.equal([
          {profile: `audit.ReadOnlyAccess.${second}`, kept: 'audit.ReadOnlyAccess', session: second, accountId: second === 'lab' ? '666666666666' : '555555555555', roleName: 'ReadOnlyAccess'},
        ])
        expect(text).to.match(new RegExp(`keyless_session = ${first}\\nkeyless_account_id = \\d+\\n`))
        // A full sync afterwards changes nothing: the names stay.
        const again = await syncProfiles({keylessCommand: cmd}, f.deps)
        expect(again.changed).to.equal(false)
      }
    }
  })

  it('two accounts with the same name in one session get their account id', async () => {
    await f.write(sessionSection(corp))
    await f.accounts(corp, [
      {accountId: '111111111111', accountName: 'dup', roles: ['Admin']},
      {accountId: '222222222222', accountName: 'dup', roles: ['Admin']},
    ])
    const result = await syncProfiles({keylessCommand: cmd}, f.deps)
    expect(result.added).to.deep.equal(['dup.Admin.111111111111', 'dup.Admin.222222222222'])
  })

  it('uses and remembers --template and --region in the sso-session', async () => {
    await f.write(sessionSection(corp))
    await f.accounts(corp, landing)
    await syncProfiles({keylessCommand: cmd, template: '{session}/{account_id}/{role_name}', region: 'us-east-2'}, f.deps)
    let text = await f.read()
    expect(text).to.include('keyless_profile_template = {session}/{account_id}/{role_name}')
    expect(text).to.include('keyless_profile_region = us-east-2')
    expect(text).to.include('[profile corp/111111111111/AdministratorAccess]')
    expect(text).to.include('region = us-east-2')
    // Later runs without the flags keep them.
    const again = await syncProfiles({keylessCommand: cmd}, f.deps)
    expect(again.changed).to.equal(false)
    text = await f.read()
    expect(text).to.not.include('workload-prod.AdministratorAccess')
  })

  it('--dry-run prints a unified diff and writes nothing', async () => {
    await f.write(sessionSection(corp))
    await f.accounts(corp, landing)
    const before = await f.read()
    const result = await syncProfiles({keylessCommand: cmd, dryRun: true}, f.deps)
    expect(result.changed).to.equal(true)
    expect(result.diff).to.match(/^--- .*config\n\+\+\+ .*\n@@ -1,3 \+1,\d+ @@\n \[sso-session corp\]\n/)
    expect(result.diff).to.include('+[profile workload-prod.AdministratorAccess]\n')
    expect(await f.read()).to.equal(before)
    expect(existsSync(`${f.configFile}.keyless-backup`)).to.equal(false)
  })

  it('bad input (unknown placeholder, unknown session, bad region) changes no file', async () => {
    await f.write(sessionSection(corp))
    await f.accounts(corp, landing)
    const before = await f.read()
    for (const input of [{template: '{account}.{role}'}, {session: 'nope'}, {region: 'mars-1'}, {template: '{role_name}'}]) {
      const error = await syncProfiles({keylessCommand: cmd, ...input}, f.deps).then(() => undefined, (e: unknown) => e)
      expect(error, JSON.stringify(input)).to.have.property('exit', 2)
    }
    expect(await f.read()).to.equal(before)
  })

  it('a full sync removes the block of a session that no longer exists; --session leaves other blocks alone', async () => {
    await f.write(sessionSection(corp) + '\n' + sessionSection(lab))
    await f.accounts(corp, landing)
    await f.accounts(lab, [{accountId: '777777777777', accountName: 'lab-only', roles: ['Admin']}])
    await syncProfiles({keylessCommand: cmd}, f.deps)
    const both = await f.read()
    // A --session sync of corp with another keyless command does not touch lab's block.
    await syncProfiles({keylessCommand: '/opt/keyless/bin/keyless', session: 'corp'}, f.deps)
    expect(await f.read()).to.include('keyless credential-process --profile lab-only.Admin')
    // Drop the lab sso-session: a full sync drops its block.
    await f.write(both.replace(sessionSection(lab), ''))
    const result = await syncProfiles({keylessCommand: cmd}, f.deps)
    expect(result.removed).to.deep.equal(['lab-only.Admin'])
    expect(await f.read()).to.not.include('keyless managed: lab')
  })
})
