import {expect} from 'chai'
import {GetRoleCredentialsCommand, SSOClient} from '@aws-sdk/client-sso'
import {AssumeRoleCommand, STSClient} from '@aws-sdk/client-sts'
import {startEmulator, type Emulator} from './emulator.js'
import {DEPLOYER_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS} from './organization.js'
import {sdkLogin} from './sdk-login.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

interface Session {
  sessionId: string
  sessionKey: string
  sessionToken?: string
}

describe('emulator: console federation endpoint', () => {
  let emulator: Emulator
  let sso: Session
  const federation = (params: Record<string, string>) => {
    const u = new URL(`${emulator.url}/federation`)
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
    return fetch(u, {redirect: 'manual'})
  }
  const signinToken = (session: Session, extra: Record<string, string> = {}) =>
    federation({Action: 'getSigninToken', Session: JSON.stringify(session), ...extra})

  beforeEach(async () => {
    emulator = await startEmulator()
    const {accessToken} = await sdkLogin(emulator)
    const client = new SSOClient({region: emulator.org.region, endpoint: emulator.url})
    const {roleCredentials: rc} = await client.send(new GetRoleCredentialsCommand({accessToken, accountId: LANDING_ZONE_ACCOUNT_IDS['workload-prod'], roleName: 'ReadOnlyAccess'}))
    client.destroy()
    sso = {sessionId: rc?.accessKeyId as string, sessionKey: rc?.secretAccessKey as string, sessionToken: rc?.sessionToken}
  })
  afterEach(() => emulator.close())

  it('exchanges SSO role credentials (with SessionDuration) for a SigninToken, and login redirects to the destination', async () => {
    const res = await signinToken(sso, {SessionDuration: '43200'})
    expect(res.status).to.equal(200)
    const {SigninToken} = (await res.json()) as {SigninToken: string}
    expect(SigninToken).to.be.a('string').with.length.greaterThan(40)
    expect(emulator.count('GetSigninToken')).to.equal(1)
    const destination = 'https://console.aws.amazon.com/console/home?region=eu-west-1'
    const login = await federation({Action: 'login', Issuer: 'keyless', Destination: destination, SigninToken})
    expect(login.status).to.equal(302)
    expect(login.headers.get('location')).to.equal(destination)
    const bogus = await federation({Action: 'login', Issuer: 'keyless', Destination: destination, SigninToken: 'forged'})
    expect(bogus.status).to.equal(400)
  })

  it('refuses SessionDuration for credentials from AssumeRole, but accepts them without it', async () => {
    const sts = new STSClient({region: emulator.org.region, endpoint: emulator.url, credentials: {accessKeyId: sso.sessionId, secretAccessKey: sso.sessionKey, sessionToken: sso.sessionToken}})
    const {Credentials: c} = await sts.send(new AssumeRoleCommand({RoleArn: DEPLOYER_ROLE_ARN, RoleSessionName: 'console'}))
    sts.destroy()
    const chained = {sessionId: c?.AccessKeyId as string, sessionKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken}
    expect((await signinToken(chained, {SessionDuration: '3600'})).status).to.equal(400)
    expect((await signinToken(chained)).status).to.equal(200)
  })

  it('refuses wrong, mismatched or long-lived credentials', async () => {
    expect((await signinToken({...sso, sessionKey: 'wrong'})).status).to.equal(400)
    expect((await signinToken({...sso, sessionToken: 'other'})).status).to.equal(400)
    const user = emulator.createUserAccessKey(LANDING_ZONE_ACCOUNT_IDS.security, 'ci-bot')
    expect((await signinToken({sessionId: user.accessKeyId, sessionKey: user.secretAccessKey})).status).to.equal(400)
    expect((await federation({Action: 'getSigninToken', Session: 'not json'})).status).to.equal(400)
    expect((await signinToken(sso, {SessionDuration: '60'})).status).to.equal(400)
  })
})
