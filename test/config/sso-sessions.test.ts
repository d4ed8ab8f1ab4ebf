import {expect} from 'chai'
import type {AwsConfig} from '../../src/config/load-aws-config.js'
import {getSsoSession, legacySessionName, listSsoSessions, pickSsoSession} from '../../src/config/sso-sessions.js'
import {UsageError} from '../../src/errors.js'

const config = (ssoSessions: AwsConfig['ssoSessions']): AwsConfig => ({profiles: {}, credentials: {}, ssoSessions, configFile: '/h/.aws/config'})
const corp = {sso_start_url: 'https://d-1234567890.awsapps.com/start', sso_region: 'us-east-1'}
const lab = {sso_start_url: 'http://127.0.0.1:4000/start', sso_region: 'eu-central-1', sso_registration_scopes: 'sso:account:access, codewhisperer:completions,'}

function thrown(fn: () => unknown): UsageError {
  try {
    fn()
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError)
    return error as UsageError
  }
  throw new Error('expected an error')
}

describe('sso-sessions', () => {
  it('lists complete sessions in file order with their scopes (default sso:account:access)', () => {
    expect(listSsoSessions(config({corp, lab, half: {sso_region: 'us-east-1'}}))).to.deep.equal([
      {name: 'corp', startUrl: corp.sso_start_url, region: 'us-east-1', scopes: ['sso:account:access']},
      {name: 'lab', startUrl: lab.sso_start_url, region: 'eu-central-1', scopes: ['sso:account:access', 'codewhisperer:completions']},
    ])
  })

  it('gets a named session, naming the known ones when it is unknown', () => {
    expect(getSsoSession(config({corp, lab}), 'lab').region).to.equal('eu-central-1')
    const error = thrown(() => getSsoSession(config({corp, lab}), 'nope'))
    expect(error.message).to.equal('No sso-session "nope" in /h/.aws/config; known: corp, lab.')
    const none = thrown(() => getSsoSession(config({}), 'nope'))
    expect(none.line).to.include('keyless configure')
    const half = thrown(() => getSsoSession(config({half: {sso_region: 'us-east-1'}}), 'half'))
    expect(half.message).to.include('has no sso_start_url')
    expect(half.line).to.include('keyless configure --session half')
  })

  it('picks the only session, or the named one; several and none named is an error listing them', () => {
    expect(pickSsoSession(config({corp})).name).to.equal('corp')
    expect(pickSsoSession(config({corp, lab}), 'corp').name).to.equal('corp')
    const several = thrown(() => pickSsoSession(config({corp, lab})))
    expect(several.line).to.equal('Several sso-sessions are configured: corp, lab. Name one with --session NAME.')
    const none = thrown(() => pickSsoSession(config({})))
    expect(none.line).to.equal('No sso-session is configured in /h/.aws/config. Run `keyless configure` to add one.')
  })

  it('does not treat Object.prototype names as sessions', () => {
    expect(() => getSsoSession(config({corp}), 'constructor')).to.throw(UsageError)
    expect(() => getSsoSession(config({corp}), '__proto__')).to.throw(UsageError)
  })

  it('names legacy sessions with a short stable hash of the start URL', () => {
    const a = legacySessionName('https://d-1234567890.awsapps.com/start')
    expect(a).to.match(/^legacy-[0-9a-f]{10}$/)
    expect(legacySessionName('https://d-1234567890.awsapps.com/start')).to.equal(a)
    expect(legacySessionName('https://d-0000000000.awsapps.com/start')).to.not.equal(a)
  })
})
