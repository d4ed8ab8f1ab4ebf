import {expect} from 'chai'
import {isValidRegion, parseScopes, validateStartUrl} from '../../src/config/validate.js'
import {UsageError} from '../../src/errors.js'

describe('validate', () => {
  it('knows region names of every partition', () => {
    for (const r of ['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1', 'us-isob-east-1', 'il-central-1', 'eusc-de-east-1', 'mx-central-1']) {
      expect(isValidRegion(r), r).to.equal(true)
    }
    for (const r of ['', 'us-east', 'US-EAST-1', 'us_east_1', 'useast1', 'us-east-1a', ' us-east-1', 'us-east-1\n']) {
      expect(isValidRegion(r), r).to.equal(false)
    }
  })

  it('accepts https start URLs and http only on the loopback interface', () => {
    for (const u of ['https://d-1234567890.awsapps.com/start', 'https://my-org.awsapps.com/start/', 'https://sso.example.org/start', 'http://127.0.0.1:4000/start', 'http://localhost:4000/start', 'http://[::1]:4000/start']) {
      expect(validateStartUrl(u)).to.equal(u)
    }
    expect(validateStartUrl('  https://a.example.com/start ')).to.equal('https://a.example.com/start')
    for (const u of ['http://d-1234567890.awsapps.com/start', 'ftp://x/start', 'd-1234567890.awsapps.com/start', 'https://a b.com', 'http://127.0.0.2.nip.io/start']) {
      expect(() => validateStartUrl(u), u).to.throw(UsageError)
    }
  })

  it('parses sso_registration_scopes (comma-separated; absent = sso:account:access)', () => {
    expect(parseScopes(undefined)).to.deep.equal(['sso:account:access'])
    expect(parseScopes('sso:account:access, codewhisperer:completions ,')).to.deep.equal(['sso:account:access', 'codewhisperer:completions'])
    expect(parseScopes('')).to.deep.equal([])
  })
})
