import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {expect} from 'chai'
import {withConfigLock} from '../../src/config/config-lock.js'
import {loadAwsConfig} from '../../src/config/load-aws-config.js'
import {getSsoSession} from '../../src/config/sso-sessions.js'
import {upsertSsoSession, type SsoSessionInput} from '../../src/config/upsert-sso-session.js'
import {backupPath} from '../../src/util/write-file-atomic.js'
import {UsageError} from '../../src/errors.js'
import {crlfNoFinalNewline, kitchenSink} from './fixtures.js'
import {tempAws, type TempAws} from '../config/helpers.js'
import {rejection} from '../helpers/rejection.js'

const input = {name: 'lab', startUrl: 'https://d-5555555555.awsapps.com/start', region: 'eu-central-1', scopes: ['sso:account:access']}

describe('upsertSsoSession', () => {
  let aws: TempAws | undefined
  afterEach(() => aws?.cleanup())

  it('creates the config file (0600, ~/.aws 0700) with the session', async () => {
    aws = tempAws()
    expect(await upsertSsoSession(aws, input)).to.deep.equal({created: true, changed: true})
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(
      '[sso-session lab]\nsso_start_url = https://d-5555555555.awsapps.com/start\nsso_region = eu-central-1\nsso_registration_scopes = sso:account:access\n',
    )
    expect(statSync(aws.configFile).mode & 0o777).to.equal(0o600)
    expect(existsSync(backupPath(aws.configFile))).to.equal(false)
  })

  it('appends a new session, preserving every other byte, with a backup; the SDK reads it back', async () => {
    aws = tempAws({config: kitchenSink})
    expect(await upsertSsoSession(aws, {...input, scopes: ['sso:account:access', 'codewhisperer:completions']})).to.deep.equal({created: true, changed: true})
    const text = readFileSync(aws.configFile, 'utf8')
    expect(text).to.equal(
      `${kitchenSink}\n[sso-session lab]\nsso_start_url = https://d-5555555555.awsapps.com/start\nsso_region = eu-central-1\nsso_registration_scopes = sso:account:access,codewhisperer:completions\n`,
    )
    expect(readFileSync(backupPath(aws.configFile), 'utf8')).to.equal(kitchenSink)
    const session = getSsoSession(await loadAwsConfig(aws), 'lab')
    expect(session).to.deep.equal({name: 'lab', startUrl: input.startUrl, region: 'eu-central-1', scopes: ['sso:account:access', 'codewhisperer:completions']})
  })

  it('edits an existing session in place in a CRLF file, keeping unknown keys; twice = no change', async () => {
    const base = crlfNoFinalNewline.replace('sso_region = eu-central-1\r\n', 'sso_region = eu-central-1\r\nkeyless_profile_template = {account_name}\r\n')
    aws = tempAws({config: base})
    const edit = {name: 'corp', startUrl: 'https://corp.example.com/start', region: 'us-east-1', scopes: ['sso:account:access'], extra: {keyless_guard: '*prod*'}}
    expect(await upsertSsoSession(aws, edit)).to.deep.equal({created: false, changed: true})
    const text = readFileSync(aws.configFile, 'utf8')
    expect(text).to.equal(
      base.replace(
        'sso_region = eu-central-1\r\nkeyless_profile_template = {account_name}\r\n',
        'sso_region = us-east-1\r\nkeyless_profile_template = {account_name}\r\nsso_registration_scopes = sso:account:access\r\nkeyless_guard = *prod*\r\n',
      ),
    )
    const mtime = statSync(aws.configFile).mtimeMs
    expect(await upsertSsoSession(aws, edit)).to.deep.equal({created: false, changed: false})
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(text)
    expect(statSync(aws.configFile).mtimeMs).to.equal(mtime)
  })

  it('accepts the emulator URL on 127.0.0.1 and custom https domains', async () => {
    aws = tempAws()
    await upsertSsoSession(aws, {...input, startUrl: 'http://127.0.0.1:43123/start'})
    await upsertSsoSession(aws, {...input, name: 'custom', startUrl: 'https://sso.example.org/start#/', region: 'us-gov-west-1'})
    const config = await loadAwsConfig(aws)
    expect(config.ssoSessions.lab.sso_start_url).to.equal('http://127.0.0.1:43123/start')
    expect(config.ssoSessions.custom.sso_region).to.equal('us-gov-west-1')
  })

  it('rejects invalid input with a UsageError and leaves the file untouched', async () => {
    aws = tempAws({config: kitchenSink})
    const bad: SsoSessionInput[] = [
      {...input, name: 'has space'},
      {...input, name: 'x]\n[profile evil'},
      {...input, startUrl: 'http://d-5555555555.awsapps.com/start'},
      {...input, startUrl: 'not a url'},
      {...input, startUrl: 'https://user:pw@example.com/start'},
      {...input, region: 'europe'},
      {...input, region: 'us-east-1\n[profile evil]'},
      {...input, scopes: []},
      {...input, scopes: ['sso:account:access evil']},
      {...input, extra: {'bad key': 'x'}},
      {...input, extra: {keyless_guard: 'a\nb'}},
      {...input, extra: {keyless_guard: '*prod* # not a comment'}},
    ]
    for (const b of bad) {
      const error = await rejection(upsertSsoSession(aws, b))
      expect(error, JSON.stringify(b)).to.be.instanceOf(UsageError)
      expect(error.message).to.not.include('\n')
    }
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(kitchenSink)
    expect(existsSync(backupPath(aws.configFile))).to.equal(false)
  })

  it('refuses to edit a malformed file, naming the line, and leaves it untouched', async () => {
    const broken = `${kitchenSink}oops\n`
    aws = tempAws({config: broken})
    const error = await rejection(upsertSsoSession(aws, input))
    expect(error).to.be.instanceOf(UsageError)
    expect(error.message).to.include(`${aws.configFile} line ${kitchenSink.split('\n').length}`)
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(broken)
  })

  it('concurrent calls for different sessions all land: read, edit and write happen under the config lock', async () => {
    aws = tempAws({config: kitchenSink})
    const names = Array.from({length: 12}, (_, i) => `team-${i}`)
    const results = await Promise.all(names.map((name, i) => upsertSsoSession(aws!, {...input, name, region: i % 2 ? 'eu-west-1' : 'us-east-1'})))
    expect(results).to.deep.equal(names.map(() => ({created: true, changed: true})))
    const text = readFileSync(aws.configFile, 'utf8')
    expect(text.startsWith(kitchenSink)).to.equal(true)
    const config = await loadAwsConfig(aws)
    for (const [i, name] of names.entries()) expect(getSsoSession(config, name).region).to.equal(i % 2 ? 'eu-west-1' : 'us-east-1')
    // The lock is released (its directory removed) when the last writer is done.
    expect(readdirSync(aws.lockDir)).to.deep.equal([])
  })

  it('waits while another writer (sync, audit --fix) holds the config lock', async () => {
    aws = tempAws({config: kitchenSink})
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let entered!: () => void
    const holding = new Promise<void>((resolve) => (entered = resolve))
    const other = withConfigLock(aws, async () => {
      entered()
      await held
      writeFileSync(aws!.configFile, `${kitchenSink}[profile written-by-sync]\nregion = eu-west-1\n`)
    })
    await holding
    const upsert = upsertSsoSession(aws, input)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(kitchenSink)
    release()
    await other
    expect(await upsert).to.deep.equal({created: true, changed: true})
    const config = await loadAwsConfig(aws)
    expect(Object.keys(config.profiles)).to.include('written-by-sync')
    expect(getSsoSession(config, 'lab').startUrl).to.equal(input.startUrl)
  })
})
