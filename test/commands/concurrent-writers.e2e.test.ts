import {expect} from 'chai'
import {readdirSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import {loadAwsConfig} from '../../src/config/load-aws-config.js'
import {listSsoSessions} from '../../src/config/sso-sessions.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'
import {LANDING_ZONE_ACCOUNT_IDS} from '../emulator/organization.js'
import {orgPairs, signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'
import {fakeKey} from './audit-fixtures.js'

// Hardening #14, "what held up": configure, sync and audit --fix started at the same moment on the
// same AWS config (and credentials file) lose no section — each waits for the config lock and
// writes on top of what the others wrote.

const SESSIONS = ['alpha', 'bravo', 'charlie', 'delta']
const HAND = '# mine: a comment keyless must keep\n[profile hand]\nregion = us-west-2\noutput = json\n'

describe('keyless configure + sync + audit --fix at the same time (built CLI, emulator)', function () {
  this.timeout(120_000)
  let t: SignedIn
  let baseConfig: string
  const key = fakeKey()
  const credentials = `# old keys\n[legacy]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n\n[other]\nfoo = bar\n`

  before(async () => {
    t = await signedInSandbox()
    const session = await readFile(t.sb.configFile, 'utf8')
    const dev =
      `[profile dev]\nkeyless_session = corp\nkeyless_account_id = ${LANDING_ZONE_ACCOUNT_IDS['workload-dev']}\n` +
      `keyless_role_name = ReadOnlyAccess\nregion = eu-west-1\ncredential_process = keyless credential-process --profile dev\n`
    baseConfig = `${session}\n${HAND}\n${dev}\n[profile legacy]\nregion = eu-west-1\n`
  })
  after(() => t?.cleanup())

  /** What is missing from the end state: every writer's section, the hand-written ones, the moved key. */
  async function missing(configText: string, credentialsText: string): Promise<string[]> {
    const lost: string[] = []
    await writeFile(`${t.sb.home}/check-config`, configText)
    await writeFile(`${t.sb.home}/check-credentials`, credentialsText)
    const config = await loadAwsConfig({configFile: `${t.sb.home}/check-config`, credentialsFile: `${t.sb.home}/check-credentials`})
    const sessions = listSsoSessions(config).map((s) => s.name)
    for (const name of ['corp', ...SESSIONS]) if (!sessions.includes(name)) lost.push(`sso-session ${name}`)
    if (!configText.includes(HAND)) lost.push('hand-written section, byte for byte')
    if (config.profiles.dev?.keyless_account_id !== LANDING_ZONE_ACCOUNT_IDS['workload-dev']) lost.push('profile dev')
    if (!config.profiles.legacy?.credential_process?.endsWith('credential-process --profile dev')) lost.push('audit --fix: credential_process of legacy')
    // One profile per account/role pair of the organization (names are account.role).
    const want = orgPairs(t.emulator.org).length
    const synced = Object.keys(config.profiles).filter((name) => name.includes('.'))
    if (synced.length !== want) lost.push(`sync: ${synced.length} profiles of ${want}`)
    if (credentialsText.includes(key.secretAccessKey)) lost.push('audit --fix: the key is still in the credentials file')
    if (!credentialsText.includes('[other]\nfoo = bar\n')) lost.push('credentials [other]')
    return lost
  }

  for (const round of [1, 2, 3]) {
    it(`round ${round}: 4 configure, 1 sync and 1 audit --fix at once all exit 0 and every section is there`, async () => {
      await writeFile(t.sb.configFile, baseConfig)
      await writeFile(t.sb.credentialsFile, credentials, {mode: 0o600})
      const store = await openStore(t.sb.env, resolvePaths(t.sb.env))
      for (const k of await store.list('audit/')) await store.delete(k)

      const runs = await Promise.all([
        ...SESSIONS.map((name) => t.sb.run(['configure', '--session', name, '--start-url', `https://${name}.awsapps.com/start`, '--region', 'eu-west-1'], {env: t.env})),
        t.sb.run(['sync', '--session', 'corp'], {env: t.env}),
        t.sb.run(['audit', '--fix', '--yes', '--profile', 'legacy', '--replace-with', 'dev'], {env: t.env}),
      ])
      for (const r of runs) expect(r.code, r.stderr).to.equal(0)

      const configText = await readFile(t.sb.configFile, 'utf8')
      const credentialsText = await readFile(t.sb.credentialsFile, 'utf8')
      expect(await missing(configText, credentialsText)).to.deep.equal([])
      expect(configText.startsWith(baseConfig.slice(0, baseConfig.indexOf('[profile legacy]')))).to.equal(true)
      expect(await store.list('audit/')).to.deep.equal(['audit/legacy'])
      expect(readdirSync(resolvePaths(t.sb.env).lockDir).filter((n) => !n.startsWith('.'))).to.deep.equal([])

      // And the moved key goes back byte for byte.
      const restore = await t.sb.run(['audit', '--restore'], {env: t.env})
      expect(restore.code, restore.stderr).to.equal(0)
      expect(await readFile(t.sb.credentialsFile, 'utf8')).to.equal(credentials)
    })
  }

  it('(self-check) a lost section of any writer is seen', async () => {
    await writeFile(t.sb.configFile, baseConfig)
    await writeFile(t.sb.credentialsFile, credentials, {mode: 0o600})
    const runs = await Promise.all([
      t.sb.run(['configure', '--session', 'alpha', '--start-url', 'https://alpha.awsapps.com/start', '--region', 'eu-west-1'], {env: t.env}),
    ])
    expect(runs[0].code, runs[0].stderr).to.equal(0)
    const lost = await missing(await readFile(t.sb.configFile, 'utf8'), await readFile(t.sb.credentialsFile, 'utf8'))
    expect(lost).to.deep.equal([
      'sso-session bravo',
      'sso-session charlie',
      'sso-session delta',
      'audit --fix: credential_process of legacy',
      `sync: 0 profiles of ${orgPairs(t.emulator.org).length}`,
      'audit --fix: the key is still in the credentials file',
    ])
  })
})
