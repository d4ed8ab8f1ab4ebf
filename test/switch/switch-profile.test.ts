import {expect} from 'chai'
import {mkdtemp, readFile, rm, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {ResolvedProfile} from '../../src/config/profile-types.js'
import {writeAssignmentCache} from '../../src/portal/assignment-cache.js'
import type {SsoSession} from '../../src/config/profile-types.js'
import {frecencyPath} from '../../src/switch/frecency.js'
import {switchProfile, type SwitchDeps, type SwitchInput} from '../../src/switch/switch-profile.js'
import type {SwitchEntry} from '../../src/switch/switch-entries.js'
import type {PickerChoice} from '../../src/ui/picker.js'

const corp: SsoSession = {name: 'corp', startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access']}
const config = `[sso-session corp]
sso_start_url = ${corp.startUrl}
sso_region = eu-west-1

[profile dev.Admin]
credential_process = keyless credential-process --profile dev.Admin
keyless_session = corp
keyless_account_id = 222222222222
keyless_account_name = dev
keyless_role_name = Admin
region = eu-west-1

[profile prod.Admin]
credential_process = keyless credential-process --profile prod.Admin
keyless_session = corp
keyless_account_id = 111111111111
keyless_account_name = prod
keyless_role_name = Admin
region = eu-central-1
keyless_environment = prod

[profile chain]
role_arn = arn:aws:iam::333333333333:role/Deployer
source_profile = dev.Admin
`

describe('switchProfile (domain, fakes)', () => {
  let dir: string
  let out: string[]
  let err: string[]
  let exportsWritten: Array<{file: string; text: string}>
  let subshells: ResolvedProfile[]
  let pickerCalls: Array<{initialQuery?: string; first: string[]}>
  let pickChoice: (choices: Array<PickerChoice<SwitchEntry>>) => SwitchEntry

  const deps = (env: NodeJS.ProcessEnv = {}, interactive = false): SwitchDeps =>
    ({
      now: () => Date.now(),
      sleep: async () => undefined,
      env,
      stderr: {write: (t: string) => void err.push(t), isTTY: false},
      stdout: {write: (t: string) => void out.push(t)},
      paths: {configFile: join(dir, 'config'), credentialsFile: join(dir, 'credentials'), cacheDir: join(dir, 'cache'), lockDir: join(dir, 'locks'), home: dir, dataDir: dir},
      isInteractive: interactive,
      tokens: {get: async () => ({accessToken: 't', expiresAt: Date.now() + 3600_000}), invalidate: async () => undefined},
      portal: async () => {
        throw new Error('the cache is seeded')
      },
      pick: async (o: Parameters<SwitchDeps['pick']>[0]) => {
        const choices = o.search(o.initialQuery ?? '')
        pickerCalls.push({initialQuery: o.initialQuery, first: choices.map((c: PickerChoice<SwitchEntry>) => c.name)})
        return pickChoice(choices)
      },
      writeExports: async (file: string, text: string) => void exportsWritten.push({file, text}),
      subshell: async (profile: ResolvedProfile) => {
        subshells.push(profile)
        return 0
      },
      confirm: async () => true,
    }) as unknown as SwitchDeps

  const input = (over: Partial<SwitchInput>): SwitchInput => ({print: false, yes: false, ...over})

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-switch-'))
    await mkdir(join(dir, 'cache'))
    await writeFile(join(dir, 'config'), config)
    await writeAssignmentCache(join(dir, 'cache'), corp, Date.now(), [
      {accountId: '111111111111', accountName: 'prod', roles: ['Admin']},
      {accountId: '222222222222', accountName: 'dev', roles: ['Admin', 'ReadOnly']},
    ])
    out = []
    err = []
    exportsWritten = []
    subshells = []
    pickerCalls = []
    pickChoice = (choices) => choices[0].value
  })
  afterEach(async () => rm(dir, {recursive: true, force: true}))

  it('--print with a unique match prints the profile name and records the use', async () => {
    const r = await switchProfile(input({query: 'dev adm 222', print: true}), deps())
    expect(r.action).to.equal('print')
    expect(out.join('')).to.equal('dev.Admin\n')
    const frecency = JSON.parse(await readFile(frecencyPath(join(dir, 'cache')), 'utf8'))
    expect(frecency.entries['dev.Admin'].count).to.equal(1)
  })

  it('under the shell function: writes AWS_PROFILE, the previous one, the region, KEYLESS_ENVIRONMENT; removes keys in the way', async () => {
    const env = {AWS_PROFILE: 'dev.Admin', AWS_ACCESS_KEY_ID: 'AKIAOLD', AWS_SECRET_ACCESS_KEY: 'old'}
    const r = await switchProfile(input({query: 'prod.Admin', yes: true, shell: {shell: 'bash', exportFile: '/tmp/f'}}), deps(env))
    expect(r.action).to.equal('export')
    expect(exportsWritten).to.deep.equal([
      {
        file: '/tmp/f',
        text:
          "export KEYLESS_PREVIOUS_PROFILE='dev.Admin'\nexport AWS_PROFILE='prod.Admin'\nexport AWS_REGION='eu-central-1'\nexport AWS_DEFAULT_REGION='eu-central-1'\n" +
          "export KEYLESS_SWITCH_REGION='eu-central-1'\nexport KEYLESS_ENVIRONMENT='prod'\nunset AWS_ACCESS_KEY_ID\nunset AWS_SECRET_ACCESS_KEY\n",
      },
    ])
  })

  it('a production profile without --yes asks (here: confirmed by the fake prompt) only on a terminal', async () => {
    const refused = await switchProfile(input({query: 'prod.Admin', shell: {shell: 'fish', exportFile: '/tmp/f'}}), deps()).then(
      () => undefined,
      (e: {exit: number}) => e,
    )
    expect(refused).to.have.property('exit', 2)
    expect(exportsWritten).to.deep.equal([])
    const asked = await switchProfile(input({query: 'prod.Admin', shell: {shell: 'fish', exportFile: '/tmp/f'}}), deps({}, true))
    expect(asked.action).to.equal('export')
    expect(exportsWritten[0].text).to.include("set -gx AWS_PROFILE 'prod.Admin'")
  })

  it('switch - swaps with the previous profile, or unsets when there was none', async () => {
    await switchProfile(input({query: '-', shell: {shell: 'zsh', exportFile: '/f'}}), deps({AWS_PROFILE: 'chain', KEYLESS_PREVIOUS_PROFILE: 'dev.Admin', AWS_REGION: 'eu-central-1', KEYLESS_SWITCH_REGION: 'eu-central-1'}))
    expect(exportsWritten[0].text).to.equal(
      "export KEYLESS_PREVIOUS_PROFILE='chain'\nexport AWS_PROFILE='dev.Admin'\nexport AWS_REGION='eu-west-1'\nexport AWS_DEFAULT_REGION='eu-west-1'\nexport KEYLESS_SWITCH_REGION='eu-west-1'\nunset KEYLESS_ENVIRONMENT\n",
    )
    await switchProfile(input({query: '-', shell: {shell: 'zsh', exportFile: '/f'}}), deps({AWS_PROFILE: 'dev.Admin', KEYLESS_PREVIOUS_PROFILE: '', AWS_REGION: 'eu-west-1', KEYLESS_SWITCH_REGION: 'eu-west-1'}))
    expect(exportsWritten[1].text).to.equal(
      "unset AWS_PROFILE\nexport KEYLESS_PREVIOUS_PROFILE='dev.Admin'\nunset AWS_REGION\nunset AWS_DEFAULT_REGION\nunset KEYLESS_SWITCH_REGION\nunset KEYLESS_ENVIRONMENT\n",
    )
    const none = await switchProfile(input({query: '-', shell: {shell: 'zsh', exportFile: '/f'}}), deps({})).then(() => undefined, (e: {exit: number}) => e)
    expect(none).to.have.property('exit', 2)
  })

  it('opens the picker on a terminal with the query, ranking recent choices first', async () => {
    await switchProfile(input({query: 'dev readonly', print: false}), deps({}, true))
    expect(subshells.map((p) => p.name)).to.deep.equal(['dev.ReadOnly']) // a pair without a profile: a subshell
    expect(err.join('')).to.include('has no profile yet')
    await switchProfile(input({query: 'chain', print: true}), deps())
    await switchProfile(input({query: 'chain', print: true}), deps())
    await switchProfile(input({print: true}), deps({}, true))
    expect(pickerCalls.at(-1)!.first[0]).to.match(/→ chain$/)
    expect(pickerCalls.at(-1)!.first.some((l) => l.startsWith('[PROD]'))).to.equal(true)
    // An ambiguous query on a terminal opens the picker with it.
    pickChoice = (choices) => choices.find((c) => c.value.profile === 'dev.Admin')!.value
    const r = await switchProfile(input({query: 'admin', print: true}), deps({}, true))
    expect(pickerCalls.at(-1)!.initialQuery).to.equal('admin')
    expect(r).to.include({action: 'print', profile: 'dev.Admin'})
  })

  it('without the shell function, runs a subshell for the profile (resolved from the config)', async () => {
    const r = await switchProfile(input({query: 'dev.Admin'}), deps())
    expect(r.action).to.equal('subshell')
    expect(subshells[0]).to.include({kind: 'sso', name: 'dev.Admin', accountId: '222222222222', roleName: 'Admin'})
    expect(err.join('')).to.include('keyless shell-init')
  })
})
