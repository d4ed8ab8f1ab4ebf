import {expect} from 'chai'
import {appendFileSync} from 'node:fs'
import {DEPLOYER_ROLE_ARN} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

describe('keyless console (built CLI, emulator federation endpoint)', function () {
  this.timeout(120_000)
  let t: SignedIn
  before(async () => {
    t = await signedInSandbox()
    expect((await t.sb.run(['sync'], {env: t.env})).code).to.equal(0)
    appendFileSync(t.sb.configFile, `\n[profile deployer]\nrole_arn = ${DEPLOYER_ROLE_ARN}\nsource_profile = workload-dev.ReadOnlyAccess\nregion = eu-west-1\n`)
  })
  after(async () => t?.cleanup())

  /** Follows the sign-in URL at the emulator: a 302 to the destination. */
  async function landing(url: string): Promise<string> {
    const response = await fetch(url, {redirect: 'manual'})
    expect(response.status, await response.clone().text()).to.equal(302)
    return response.headers.get('location')!
  }

  const partitions = [
    {region: 'us-east-1', destination: 'https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1'},
    {region: 'us-gov-west-1', destination: 'https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1'},
    {region: 'cn-north-1', destination: 'https://console.amazonaws.cn/s3/home?region=cn-north-1'},
  ]
  for (const p of partitions) {
    it(`--print gives a sign-in URL that lands on the ${p.region} console host`, async () => {
      const before = t.emulator.count('GetSigninToken')
      const r = await t.sb.run(['console', 'workload-dev.ReadOnlyAccess', '--print', '--region', p.region, '--destination', 's3'], {env: t.env})
      expect(r.code, r.stderr).to.equal(0)
      const url = new URL(r.stdout.trim())
      expect(url.origin).to.equal(t.emulator.url)
      expect(url.searchParams.get('Action')).to.equal('login')
      expect(url.searchParams.get('Destination')).to.equal(p.destination)
      expect(await landing(url.toString())).to.equal(p.destination)
      expect(t.emulator.count('GetSigninToken')).to.equal(before + 1)
    })
  }

  it('works for a role chain (no SessionDuration, which AWS rejects there) through KEYLESS_FEDERATION_ENDPOINT', async () => {
    // The chain's role is in workload-prod: guarded by account (issue #14), so --yes without a terminal.
    const r = await t.sb.run(['console', 'deployer', '--print', '--json', '--yes'], {
      env: {...t.env, AWS_ENDPOINT_URL_SIGNIN: undefined, KEYLESS_FEDERATION_ENDPOINT: `${t.emulator.url}/federation`},
    })
    expect(r.code, r.stderr).to.equal(0)
    const result = JSON.parse(r.stdout)
    expect(result).to.include({profile: 'deployer', region: 'eu-west-1', partition: 'aws', destination: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'})
    expect(await landing(result.url)).to.equal(result.destination)
  })

  it('opens the browser with the URL (nothing on stdout)', async () => {
    const r = await t.sb.run(['console', 'workload-dev.ReadOnlyAccess'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.equal('')
    expect(r.stderr).to.include('Opened the AWS console for workload-dev.ReadOnlyAccess (eu-west-1)')
    const opened = t.sb.browserCalls().at(-1)!
    expect(new URL(opened).searchParams.get('Action')).to.equal('login')
  })

  it('refuses a guarded profile without a terminal unless --yes, and bad input, with one line', async () => {
    const guarded = await t.sb.run(['console', 'workload-prod.ReadOnlyAccess', '--print'], {env: t.env})
    expect(guarded.code).to.equal(2)
    expect(guarded.stdout).to.equal('')
    const yes = await t.sb.run(['console', 'workload-prod.ReadOnlyAccess', '--print', '--yes'], {env: t.env})
    expect(yes.code, yes.stderr).to.equal(0)
    for (const args of [['nope'], ['workload-dev.ReadOnlyAccess', '--destination', 'https://example.com/'], ['workload-dev.ReadOnlyAccess', '--duration', '60']]) {
      const r = await t.sb.run(['console', ...args, '--print'], {env: t.env})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2)
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1)
    }
  })
})
