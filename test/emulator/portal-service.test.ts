import {expect} from 'chai'
import {
  GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, LogoutCommand, SSOClient,
  paginateListAccountRoles, paginateListAccounts,
} from '@aws-sdk/client-sso'
import {startEmulator, type Emulator} from './emulator.js'
import {rejection, status} from './sdk-errors.js'
import {generatedOrganization, LANDING_ZONE_ACCOUNT_IDS} from './organization.js'
import {sdkLogin} from './sdk-login.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'


describe('emulator: SSO portal with the SDK client', () => {
  let clock: number
  let emulator: Emulator
  let sso: SSOClient
  let accessToken: string
  const dev = LANDING_ZONE_ACCOUNT_IDS['workload-dev']

  beforeEach(async () => {
    clock = Date.UTC(2026, 0, 15, 9, 0, 0)
    emulator = await startEmulator({now: () => clock})
    sso = new SSOClient({region: emulator.org.region, endpoint: emulator.url, maxAttempts: 1})
    accessToken = (await sdkLogin(emulator, {scopes: ['sso:account:access']})).accessToken
  })
  afterEach(async () => {
    sso.destroy()
    await emulator.close()
  })

  it('lists the landing zone accounts and each account\'s roles', async () => {
    const {accountList, nextToken} = await sso.send(new ListAccountsCommand({accessToken}))
    expect(nextToken).to.equal(undefined)
    expect(accountList?.map((a) => a.accountName)).to.deep.equal([
      'security', 'log-archive', 'network', 'shared-services', 'workload-prod', 'workload-dev', 'workload-test', 'sandbox',
    ])
    expect(accountList?.[0]).to.deep.equal({accountId: LANDING_ZONE_ACCOUNT_IDS.security, accountName: 'security', emailAddress: 'aws+security@example.com'})
    const roles = await sso.send(new ListAccountRolesCommand({accessToken, accountId: dev}))
    expect(roles.roleList).to.deep.equal([
      {roleName: 'AdministratorAccess', accountId: dev},
      {roleName: 'PowerUserAccess', accountId: dev},
      {roleName: 'ReadOnlyAccess', accountId: dev},
    ])
  })

  it('paginates with next_token and max_result (at most 100)', async () => {
    await emulator.close()
    emulator = await startEmulator({org: generatedOrganization(250, 12), now: () => clock})
    sso.destroy()
    sso = new SSOClient({region: emulator.org.region, endpoint: emulator.url, maxAttempts: 1})
    accessToken = (await sdkLogin(emulator)).accessToken
    const pages: number[] = []
    const ids: string[] = []
    for await (const page of paginateListAccounts({client: sso, pageSize: 100}, {accessToken})) {
      pages.push(page.accountList?.length ?? 0)
      ids.push(...(page.accountList ?? []).map((a) => a.accountId as string))
    }
    expect(pages).to.deep.equal([100, 100, 50])
    expect(new Set(ids).size).to.equal(250)
    expect(ids).to.deep.equal(emulator.org.accounts.map((a) => a.accountId))
    const defaultPage = await sso.send(new ListAccountsCommand({accessToken}))
    expect(defaultPage.accountList).to.have.length(20)
    expect(defaultPage.nextToken).to.be.a('string')
    const roles: string[] = []
    for await (const page of paginateListAccountRoles({client: sso, pageSize: 5}, {accessToken, accountId: ids[7]})) {
      roles.push(...(page.roleList ?? []).map((r) => r.roleName as string))
    }
    expect(roles).to.deep.equal(emulator.org.assignments[ids[7]])
    expect(emulator.count('ListAccountRoles')).to.equal(3)
    const tooBig = await rejection(() => sso.send(new ListAccountsCommand({accessToken, maxResults: 101})))
    expect(tooBig.name).to.equal('InvalidRequestException')
    const badToken = await rejection(() => sso.send(new ListAccountsCommand({accessToken, nextToken: 'garbage'})))
    expect(badToken.name).to.equal('InvalidRequestException')
  })

  it('issues role credentials with the expiration in epoch milliseconds, counted per account/role', async () => {
    emulator.setLifetimes({roleCredentialSeconds: 1800})
    const {roleCredentials} = await sso.send(new GetRoleCredentialsCommand({accessToken, accountId: dev, roleName: 'ReadOnlyAccess'}))
    expect(roleCredentials?.accessKeyId).to.match(/^ASIA[A-Z2-7]{16}$/)
    expect(roleCredentials?.secretAccessKey).to.have.length(40)
    expect(roleCredentials?.sessionToken).to.be.a('string').with.length.greaterThan(100)
    expect(roleCredentials?.expiration).to.equal(clock + 1800 * 1000)
    expect(emulator.count('GetRoleCredentials', `${dev}/ReadOnlyAccess`)).to.equal(1)
    expect(emulator.count('GetRoleCredentials', `${dev}/PowerUserAccess`)).to.equal(0)
  })

  it('answers ForbiddenException (403) for a role that is not assigned and ResourceNotFoundException for an unknown account', async () => {
    const forbidden = await rejection(() => sso.send(new GetRoleCredentialsCommand({accessToken, accountId: LANDING_ZONE_ACCOUNT_IDS.sandbox, roleName: 'ReadOnlyAccess'})))
    expect(forbidden.name).to.equal('ForbiddenException')
    expect(forbidden.message).to.equal('No access')
    expect(status(forbidden)).to.equal(403)
    const missing = await rejection(() => sso.send(new ListAccountRolesCommand({accessToken, accountId: '999999999999'})))
    expect(missing.name).to.equal('ResourceNotFoundException')
    expect(status(missing)).to.equal(404)
  })

  it('answers UnauthorizedException (401) for unknown, expired, revoked and logged-out tokens', async () => {
    const unknown = await rejection(() => sso.send(new ListAccountsCommand({accessToken: 'aoaNOTATOKEN'})))
    expect(unknown.name).to.equal('UnauthorizedException')
    expect(status(unknown)).to.equal(401)

    clock += 3601 * 1000
    expect((await rejection(() => sso.send(new ListAccountsCommand({accessToken})))).name).to.equal('UnauthorizedException')
    clock -= 3601 * 1000

    const second = (await sdkLogin(emulator)).accessToken
    emulator.revokeAccessTokens()
    expect((await rejection(() => sso.send(new ListAccountsCommand({accessToken: second})))).name).to.equal('UnauthorizedException')

    const third = (await sdkLogin(emulator)).accessToken
    await sso.send(new ListAccountsCommand({accessToken: third}))
    await sso.send(new LogoutCommand({accessToken: third}))
    expect(emulator.count('Logout')).to.equal(1)
    expect((await rejection(() => sso.send(new ListAccountsCommand({accessToken: third})))).name).to.equal('UnauthorizedException')
  })

  it('throttles beyond the rate limit with 429 TooManyRequestsException, which the SDK retries', async () => {
    const retrying = new SSOClient({region: emulator.org.region, endpoint: emulator.url, maxAttempts: 3})
    try {
      emulator.setFault('ListAccounts', {ratePerSecond: 0})
      const throttled = await rejection(() => retrying.send(new ListAccountsCommand({accessToken})))
      expect(throttled.name).to.equal('TooManyRequestsException')
      expect(status(throttled)).to.equal(429)
      expect((throttled.$metadata as {attempts: number}).attempts).to.equal(3)
      expect(emulator.count('Throttled', 'ListAccounts')).to.equal(3)
      expect(emulator.count('ListAccounts')).to.equal(3)

      // The window: two per second pass, the third is throttled, a second later requests pass again.
      emulator.setFault('ListAccounts', {ratePerSecond: 2})
      const get = () => fetch(`${emulator.url}/assignment/accounts`, {headers: {'x-amz-sso_bearer_token': accessToken}})
      const statuses = [(await get()).status, (await get()).status, (await get()).status]
      expect(statuses).to.deep.equal([200, 200, 429])
      const body = await (await get()).json()
      expect(body).to.deep.equal({message: 'Rate exceeded'})
      await new Promise((r) => setTimeout(r, 1010))
      expect((await get()).status).to.equal(200)
    } finally {
      retrying.destroy()
    }
  })

  it('fails the next N requests with 5xx (retried by the SDK) and adds latency', async () => {
    const retrying = new SSOClient({region: emulator.org.region, endpoint: emulator.url, maxAttempts: 3})
    try {
      emulator.setFault('GetRoleCredentials', {failNext: 2})
      const ok = await retrying.send(new GetRoleCredentialsCommand({accessToken, accountId: dev, roleName: 'ReadOnlyAccess'}))
      expect(ok.$metadata.attempts).to.equal(3)
      expect(emulator.count('Failed5xx', 'GetRoleCredentials')).to.equal(2)
      expect(emulator.count('GetRoleCredentials', `${dev}/ReadOnlyAccess`)).to.equal(3)

      emulator.setFault('ListAccounts', {failNext: 5, failStatus: 503})
      const failed = await rejection(() => retrying.send(new ListAccountsCommand({accessToken})))
      expect(status(failed)).to.equal(503)
      expect(emulator.count('Failed5xx')).to.equal(5)

      emulator.clearFaults()
      emulator.setFault('ListAccountRoles', {latencyMs: 250})
      const started = performance.now()
      await sso.send(new ListAccountRolesCommand({accessToken, accountId: dev}))
      expect(performance.now() - started).to.be.greaterThanOrEqual(240)
      emulator.resetCounters()
      expect(emulator.count('ListAccountRoles')).to.equal(0)
    } finally {
      retrying.destroy()
    }
  })
})
