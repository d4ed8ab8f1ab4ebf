import {expect} from 'chai'
import {hasTimeLeft, parseStoredCredentials, reuseWindowMs, serializeCredentials} from '../../src/credentials/stored-credentials.js'
import {T0} from './fakes.js'

const creds = {accessKeyId: 'ASIAX', secretAccessKey: 'secret', sessionToken: 'token', expiresAt: T0 + 3600_000}

describe('stored-credentials', () => {
  it('round-trips credentials with the expiry inside the value', () => {
    const text = serializeCredentials(creds)
    expect(JSON.parse(text)).to.deep.equal({accessKeyId: 'ASIAX', secretAccessKey: 'secret', sessionToken: 'token', expiration: '2026-11-22T13:00:00.000Z'})
    expect(parseStoredCredentials(text)).to.deep.equal(creds)
  })

  it('treats missing, unparsable or incomplete items as a miss', () => {
    const valid = JSON.parse(serializeCredentials(creds)) as Record<string, unknown>
    const broken = [
      undefined,
      '',
      'not json',
      '{"accessKeyId":',
      'null',
      '[]',
      '42',
      JSON.stringify({...valid, accessKeyId: undefined}),
      JSON.stringify({...valid, secretAccessKey: ''}),
      JSON.stringify({...valid, sessionToken: 7}),
      JSON.stringify({...valid, expiration: 'tomorrow'}),
      JSON.stringify({...valid, expiration: undefined}),
    ]
    for (const text of broken) expect(parseStoredCredentials(text), String(text)).to.equal(undefined)
  })

  it('reuses credentials only while more than 15 minutes remain', () => {
    expect(reuseWindowMs).to.equal(15 * 60 * 1000)
    expect(hasTimeLeft(creds, creds.expiresAt - reuseWindowMs - 1)).to.equal(true)
    expect(hasTimeLeft(creds, creds.expiresAt - reuseWindowMs)).to.equal(false)
    expect(hasTimeLeft(creds, creds.expiresAt + 1)).to.equal(false)
    expect(hasTimeLeft(creds, creds.expiresAt - 10_000, 5_000)).to.equal(true)
  })
})
