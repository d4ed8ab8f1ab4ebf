import {expect} from 'chai'
import {parsePastedRedirect} from '../../src/sso/pasted-redirect.js'

const expected = {redirectUri: 'http://127.0.0.1:43123/oauth/callback', state: 'c0ffee-state'}

describe('sso/pasted-redirect', () => {
  it('takes the code from this sign-in\'s redirect (whitespace, quotes and <> around it are fine)', () => {
    const url = `${expected.redirectUri}?code=the-code&state=${expected.state}`
    for (const text of [url, `  ${url}\n`, `"${url}"`, `<${url}>`]) {
      expect(parsePastedRedirect(text, expected), text).to.deep.equal({kind: 'code', code: 'the-code'})
    }
    expect(parsePastedRedirect(`http://localhost:43123/oauth/callback?state=${expected.state}&code=c2`, expected)).to.deep.equal({kind: 'code', code: 'c2'})
  })

  it('refuses a wrong or missing state, another port, another flow\'s URL and non-URLs, saying why', () => {
    const refused = (text: string) => {
      const r = parsePastedRedirect(text, expected)
      expect(r.kind, text).to.equal('refused')
      return (r as {reason: string}).reason
    }
    expect(refused(`${expected.redirectUri}?code=x&state=other`)).to.include('not this sign-in')
    expect(refused(`${expected.redirectUri}?code=x`)).to.include('no state')
    expect(refused(`http://127.0.0.1:5555/oauth/callback?code=x&state=${expected.state}`)).to.include('another sign-in (port 5555')
    expect(refused('https://oidc.eu-west-1.amazonaws.com/device?user_code=ABCD-EFGH')).to.include('not the address this sign-in redirects to')
    expect(refused(`https://127.0.0.1:43123/oauth/callback?code=x&state=${expected.state}`)).to.include('not the address')
    expect(refused(`http://127.0.0.1:43123/elsewhere?code=x&state=${expected.state}`)).to.include('not the address')
    expect(refused('ABCD-EFGH')).to.include('not an address')
    expect(refused(`${expected.redirectUri}?state=${expected.state}`)).to.include('no authorization code')
  })

  it('passes an OAuth error of this sign-in on', () => {
    expect(parsePastedRedirect(`${expected.redirectUri}?error=access_denied&error_description=denied&state=${expected.state}`, expected))
      .to.deep.equal({kind: 'error', error: 'access_denied', description: 'denied'})
  })
})
