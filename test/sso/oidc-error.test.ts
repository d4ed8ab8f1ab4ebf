import {expect} from 'chai'
import {describeOidcError, isOidcError, oidcErrorFacts} from '../../src/sso/oidc-error.js'
import {oidcError} from './fakes.js'

describe('sso/oidc-error', () => {
  it('reports the error name and error_description, not the SDK message "UnknownError"', () => {
    const e = oidcError('InvalidClientException', 'invalid_client', 'Client registration has expired')
    expect(e.message).to.equal('UnknownError')
    expect(describeOidcError(e)).to.equal('InvalidClientException: Client registration has expired')
    expect(describeOidcError(Object.assign(new Error('UnknownError'), {name: 'SlowDownException'}))).to.equal('SlowDownException')
  })

  it('recognises an error by SDK name or by the wire error code', () => {
    expect(isOidcError({name: 'AuthorizationPendingException'}, 'AuthorizationPendingException')).to.equal(true)
    expect(isOidcError({name: 'Error', error: 'authorization_pending'}, 'AuthorizationPendingException')).to.equal(true)
    expect(isOidcError({name: 'Error', error: 'slow_down'}, 'SlowDownException')).to.equal(true)
    expect(isOidcError({name: 'Error', error: 'access_denied'}, 'SlowDownException')).to.equal(false)
  })

  it('strips control characters from server text before it reaches a terminal', () => {
    const e = oidcError('InvalidGrantException', 'invalid_grant', 'bad\ngrant\u001b[31m red\r\u0007')
    expect(describeOidcError(e)).to.equal('InvalidGrantException: bad grant [31m red')
  })

  it('strips control characters from server and redirect text (hardening #14)', () => {
    const hostile = {name: 'Access\u001bDeniedException', error: 'access_denied', error_description: 'no\u001b]0;pwned\u0007 way\r\nkeyless: fake line\u009b2J'}
    const line = describeOidcError(hostile)
    expect(line).to.equal('Access DeniedException: no ]0;pwned  way keyless: fake line 2J')
    // eslint-disable-next-line no-control-regex
    expect(line).to.not.match(/[\u0000-\u001f\u007f-\u009f]/)
    expect(oidcErrorFacts({name: 'X', error_description: '\n\u001b'}).description).to.equal(undefined)
  })
})
