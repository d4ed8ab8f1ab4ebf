import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'chai'
import {grantToken, type AgentKeys} from '../../src/agent/agent-keys.js'
import {createAgent, type AgentDeps} from '../../src/agent/create-agent.js'
import {LoginRequiredError} from '../../src/errors.js'
import type {TokenProvider} from '../../src/sso/session-types.js'
import {resolvePaths} from '../../src/util/paths.js'
import {fakeDeps} from '../credentials/fakes.js'

const keys: AgentKeys = {client: 'c'.repeat(43), control: 'k'.repeat(43), grant: 'g'.repeat(43)}

const config = `[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = ReadOnly
region = eu-west-1

[profile payments-prod]
keyless_session = corp
keyless_account_id = 222222222222
keyless_role_name = Admin
`

describe('createAgent (domain: fake clock, fake clients, a scheduler driven by hand)', () => {
  let home: string
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'keyless-agent-unit-'))
    await writeFile(join(home, 'config'), config)
  })
  afterEach(async () => rm(home, {recursive: true, force: true}))

  function setup(options: {quietTokens?: TokenProvider} = {}) {
    const f = fakeDeps()
    const timers: Array<{at: number; fn: () => Promise<void>; cancelled: boolean}> = []
    const logged: string[] = []
    const deps: AgentDeps = {
      ...f.deps,
      paths: {...resolvePaths({HOME: home}), configFile: join(home, 'config'), credentialsFile: join(home, 'credentials')},
      quietTokens: options.quietTokens ?? f.tokens,
      schedule: (ms, fn) => {
        const timer = {at: f.clock.now() + ms, fn, cancelled: false}
        timers.push(timer)
        return () => (timer.cancelled = true)
      },
      log: (line) => logged.push(line),
    }
    const agent = createAgent(keys, deps)
    const roleCalls = () => f.clients.sent.filter((c) => c.name === 'GetRoleCredentialsCommand').length
    /** Moves the clock to the next pending timer and runs it. */
    const runNextTimer = async () => {
      const next = timers.filter((t) => !t.cancelled).sort((a, b) => a.at - b.at)[0]
      if (!next) return undefined
      next.cancelled = true
      f.clock.advance(next.at - f.clock.now())
      await next.fn()
      return next.at
    }
    return {agent, f, timers, logged, roleCalls, runNextTimer}
  }
  const body = (answer: {body: unknown}) => answer.body as Record<string, string>

  it('fetches on the first request, then answers from memory; refreshes 5 minutes before the 15-minute window', async () => {
    const {agent, f, roleCalls, runNextTimer} = setup()
    const first = await agent.credentials('dev', keys.client)
    expect(first.status).to.equal(200)
    expect(first.headers).to.deep.equal({'x-keyless-source': 'fetch'})
    const second = await agent.credentials('dev', keys.client)
    expect(second.headers).to.deep.equal({'x-keyless-source': 'memory'})
    expect(body(second)).to.deep.equal(body(first))
    expect(roleCalls()).to.equal(1)

    const start = f.clock.now()
    const at = await runNextTimer()
    // 60-minute credentials: refreshed at 60 − 15 − 5 = 40 minutes.
    expect(at! - start).to.equal(40 * 60_000)
    expect(roleCalls()).to.equal(2)
    const third = await agent.credentials('dev', keys.client)
    expect(third.headers).to.deep.equal({'x-keyless-source': 'memory'})
    expect(body(third).AccessKeyId).to.not.equal(body(first).AccessKeyId)
    expect(agent.status().counters).to.include({memory: 2, fetched: 1, refreshed: 1})
  })

  it('stops refreshing (and forgets) a profile nobody asked for in an hour', async () => {
    const {agent, roleCalls, runNextTimer} = setup()
    await agent.credentials('dev', keys.client)
    await runNextTimer() // 40 min: refreshed (asked 40 min ago)
    expect(roleCalls()).to.equal(2)
    await runNextTimer() // 80 min: not asked for 80 min
    expect(roleCalls()).to.equal(2)
    expect(agent.status().profiles).to.deep.equal([])
  })

  it('a rejected session during a refresh drops every profile of it at once', async () => {
    const quiet: TokenProvider = {
      get: async () => {
        throw new LoginRequiredError('corp', 'the refresh token was rejected')
      },
      invalidate: async () => {},
    }
    const {agent, runNextTimer, logged} = setup({quietTokens: quiet})
    await agent.credentials('dev', keys.client)
    expect(agent.status().profiles.map((p) => p.profile)).to.deep.equal(['dev'])
    await runNextTimer()
    expect(agent.status().profiles).to.deep.equal([])
    expect(logged.join('\n')).to.include('forgot session corp')
  })

  it('forgetSession (logout) drops the credentials from memory: the next request goes the full path again', async () => {
    const {agent, f, roleCalls} = setup()
    await agent.credentials('dev', keys.client)
    expect(agent.forgetSession('other')).to.equal(0)
    expect(agent.forgetSession('corp')).to.equal(1)
    expect(agent.status().profiles).to.deep.equal([])
    // (Logout also empties the secret store; here it still holds them, so no portal call is needed.)
    const again = await agent.credentials('dev', keys.client)
    expect(again.headers).to.deep.equal({'x-keyless-source': 'fetch'})
    expect(roleCalls()).to.equal(1)
    f.store.items.clear()
    agent.forgetSession('corp')
    expect((await agent.credentials('dev', keys.client)).headers).to.deep.equal({'x-keyless-source': 'fetch'})
    expect(roleCalls()).to.equal(2)
  })

  it('a wrong token is refused; a guarded profile only with its own grant token', async () => {
    const {agent, roleCalls} = setup()
    expect((await agent.credentials('dev', keys.control)).status).to.equal(403)
    expect((await agent.credentials('dev', grantToken(keys, 'payments-prod'))).status).to.equal(403)
    const plain = await agent.credentials('payments-prod', keys.client)
    expect(plain.status).to.equal(403)
    expect(body(plain).code).to.equal('ConfirmationRequired')
    expect(roleCalls()).to.equal(0)
    const granted = await agent.credentials('payments-prod', grantToken(keys, 'payments-prod'))
    expect(granted.status).to.equal(200)
    // A grant also serves its own unguarded profile name, and nothing else.
    expect((await agent.credentials('dev', grantToken(keys, 'dev'))).status).to.equal(200)
  })

  it('an unknown profile is 404 naming close names; an edited config is read again', async () => {
    const {agent, f} = setup()
    const unknown = await agent.credentials('dve', keys.client)
    expect(unknown.status).to.equal(404)
    expect(body(unknown).message).to.include('Did you mean "dev"')
    await agent.credentials('dev', keys.client)
    await writeFile(join(home, 'config'), config.replace('111111111111', '333333333333'))
    f.clock.advance(2000)
    const after = await agent.credentials('dev', keys.client)
    expect(after.headers).to.deep.equal({'x-keyless-source': 'fetch'})
    expect(f.clients.sent.at(-1)?.input.accountId).to.equal('333333333333')
  })

  it('a first burst of requests reads the config once: no false "config changed", one fetch, everyone answered', async () => {
    const {agent, logged, roleCalls} = setup()
    const answers = await Promise.all(Array.from({length: 10}, () => agent.credentials('dev', keys.client)))
    expect(answers.map((a) => a.status)).to.deep.equal(Array.from({length: 10}, () => 200))
    expect(logged.filter((line) => line.includes('config changed'))).to.deep.equal([])
    expect(roleCalls()).to.equal(1)
    expect((await agent.credentials('dev', keys.client)).headers).to.deep.equal({'x-keyless-source': 'memory'})
  })
})
