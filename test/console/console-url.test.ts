import {expect} from 'chai'
import {consoleDestination} from '../../src/console/console-destination.js'
import {consoleSigninUrl} from '../../src/console/console-signin-url.js'
import {federationEndpoint} from '../../src/console/federation-endpoint.js'
import {partitionHosts, partitionOf} from '../../src/console/partition-hosts.js'

const credentials = {accessKeyId: 'ASIAEXAMPLEKEY000001', secretAccessKey: 'secret-key-value-not-to-leak', sessionToken: 'session-token-not-to-leak', expiresAt: Date.now() + 3600_000}

describe('console URLs', () => {
  it('maps regions to partitions and their sign-in and console hosts', () => {
    expect(partitionOf('eu-west-1')).to.equal('aws')
    expect(partitionOf('us-gov-west-1')).to.equal('aws-us-gov')
    expect(partitionOf('cn-northwest-1')).to.equal('aws-cn')
    expect(partitionHosts('aws')).to.include({signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com'})
    expect(partitionHosts('aws-us-gov')).to.include({signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com'})
    expect(partitionHosts('aws-cn')).to.include({signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn'})
    expect(partitionOf('eusc-de-east-1')).to.equal('aws-eusc')
    expect(partitionHosts('aws-eusc')).to.include({signin: 'signin.amazonaws-eusc.eu', console: 'console.amazonaws-eusc.eu'})
  })

  it('the EU Sovereign Cloud (eusc-de-east-1): regional sign-in and console hosts under amazonaws-eusc.eu', () => {
    expect(federationEndpoint('aws-eusc', {}, 'eusc-de-east-1')).to.equal('https://eusc-de-east-1.signin.amazonaws-eusc.eu/federation')
    expect(federationEndpoint('aws', {}, 'eu-west-1')).to.equal('https://signin.aws.amazon.com/federation')
    expect(federationEndpoint('aws-eusc', {AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9'}, 'eusc-de-east-1')).to.equal('http://127.0.0.1:9/federation')
    expect(consoleDestination(undefined, 'eusc-de-east-1')).to.equal('https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1')
    expect(consoleDestination('s3', 'eusc-de-east-1')).to.equal('https://eusc-de-east-1.console.amazonaws-eusc.eu/s3/home?region=eusc-de-east-1')
    expect(consoleDestination('https://eusc-de-east-1.console.amazonaws-eusc.eu/ec2/home', 'eusc-de-east-1')).to.equal('https://eusc-de-east-1.console.amazonaws-eusc.eu/ec2/home')
    expect(() => consoleDestination('https://eu-west-1.console.aws.amazon.com/', 'eusc-de-east-1')).to.throw().with.property('exit', 2)
  })

  it('the sign-in host of aws-eusc is the one the AWS SDK\'s own endpoint rules give for the sign-in service', async () => {
    // @aws-sdk/nested-clients comes with the SDK clients keyless uses; its sign-in client carries AWS's endpoint ruleset.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
    const {SigninClient} = await import('@aws-sdk/nested-clients/signin')
    const client = new SigninClient({region: 'eusc-de-east-1'})
    const sdk = client.config.endpointProvider({Region: 'eusc-de-east-1', UseFIPS: false, UseDualStack: false}).url
    client.destroy()
    expect(new URL(federationEndpoint('aws-eusc', {}, 'eusc-de-east-1')).host).to.equal(sdk.host)
  })

  it('builds region-aware destinations per partition', () => {
    expect(consoleDestination(undefined, 'eu-west-1')).to.equal('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1')
    expect(consoleDestination('s3', 'eu-central-1')).to.equal('https://eu-central-1.console.aws.amazon.com/s3/home?region=eu-central-1')
    expect(consoleDestination('ec2', 'us-gov-west-1')).to.equal('https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1')
    expect(consoleDestination('cloudwatch', 'cn-north-1')).to.equal('https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1')
    expect(consoleDestination('https://us-east-1.console.aws.amazon.com/lambda/home', 'us-east-1')).to.equal('https://us-east-1.console.aws.amazon.com/lambda/home')
  })

  it('refuses destinations outside the partition console and odd service names (exit 2)', () => {
    for (const [destination, region] of [
      ['https://evil.example.com/', 'us-east-1'],
      ['http://console.aws.amazon.com/', 'us-east-1'],
      ['https://console.aws.amazon.com/', 'cn-north-1'],
      ['s3 bucket', 'us-east-1'],
    ]) {
      expect(() => consoleDestination(destination, region), destination).to.throw().with.property('exit', 2)
    }
  })

  it('uses KEYLESS_FEDERATION_ENDPOINT, then AWS_ENDPOINT_URL_SIGNIN, then the partition host', () => {
    expect(federationEndpoint('aws', {})).to.equal('https://signin.aws.amazon.com/federation')
    expect(federationEndpoint('aws-us-gov', {})).to.equal('https://signin.amazonaws-us-gov.com/federation')
    expect(federationEndpoint('aws-cn', {})).to.equal('https://signin.amazonaws.cn/federation')
    expect(federationEndpoint('aws', {AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9/'})).to.equal('http://127.0.0.1:9/federation')
    expect(federationEndpoint('aws', {AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:9', KEYLESS_FEDERATION_ENDPOINT: 'http://127.0.0.1:8/fed'})).to.equal('http://127.0.0.1:8/fed')
  })

  it('sends SessionDuration only when asked (SSO roles), and builds the Action=login URL', async () => {
    const seen: URL[] = []
    const fetch = (async (url: string) => {
      seen.push(new URL(url))
      return new Response(JSON.stringify({SigninToken: 'TOKEN123'}), {status: 200})
    }) as typeof globalThis.fetch
    const destination = 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1'
    const sso = await consoleSigninUrl({credentials, endpoint: 'https://signin.aws.amazon.com/federation', destination, sessionDurationSeconds: 3600}, {fetch})
    await consoleSigninUrl({credentials, endpoint: 'https://signin.aws.amazon.com/federation', destination}, {fetch})
    expect(seen[0].searchParams.get('Action')).to.equal('getSigninToken')
    expect(seen[0].searchParams.get('SessionDuration')).to.equal('3600')
    expect(JSON.parse(seen[0].searchParams.get('Session')!)).to.deep.equal({sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken})
    expect(seen[1].searchParams.has('SessionDuration')).to.equal(false)
    const login = new URL(sso)
    expect(login.origin + login.pathname).to.equal('https://signin.aws.amazon.com/federation')
    expect(Object.fromEntries(login.searchParams)).to.deep.equal({Action: 'login', Issuer: 'keyless', Destination: destination, SigninToken: 'TOKEN123'})
  })

  it('reports a refusal (exit 4) or an unreachable endpoint (exit 6) without any secret', async () => {
    const refused = (async () => new Response('Bad Request: SessionDuration is not supported', {status: 400})) as unknown as typeof fetch
    const down = (async () => {
      throw new Error('connect ECONNREFUSED')
    }) as unknown as typeof fetch
    for (const [fetch, exit] of [[refused, 4], [down, 6]] as const) {
      const error = await consoleSigninUrl({credentials, endpoint: 'https://signin.aws.amazon.com/federation', destination: 'https://console.aws.amazon.com/'}, {fetch}).then(
        () => undefined,
        (e: unknown) => e as Error & {exit: number; line: string},
      )
      expect(error?.exit).to.equal(exit)
      expect(error?.line).to.not.match(/secret-key|session-token|ASIAEXAMPLE/)
    }
  })
})
