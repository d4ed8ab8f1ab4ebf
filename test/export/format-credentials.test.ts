import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {expect} from 'chai'
import {KeylessError} from '../../src/errors.js'
import {exportFormats, formatCredentials} from '../../src/export/format-credentials.js'

const golden = (name: string) => readFileSync(join(import.meta.dirname, 'golden', name), 'utf8')
const expiresAt = Date.parse('2026-12-01T15:30:00.000Z')

/** Values a careless PowerShell quoting would break: every PowerShell single quote, $, backticks, a newline. */
const hostile = {
  accessKeyId: "ASIA'QUOTE‘LEFT’RIGHT‚LOW‛REV",
  secretAccessKey: 'a$Env:HOME`n"$(whoami)"@\'x',
  sessionToken: 'line1\nline2 `$x ${y} %PATH%',
  expiresAt,
}

/** What cmd.exe can take inside set "NAME=value": & | < > ^ ( ) and spaces are plain text there. */
const cmdSafe = {
  accessKeyId: 'ASIAEXAMPLE0123456789',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY&|<>^()=',
  sessionToken: 'IQoJb3JpZ2luX2VjE+/= a&b',
  expiresAt,
}

// powershell and windows-cmd are checked against golden files: this machine has neither shell, so
// what they parse is worked out by their documented rules, not executed (see README).
describe('formatCredentials', () => {
  it('powershell: single-quoted, every single-quote character doubled (golden file)', () => {
    expect(formatCredentials(hostile, 'powershell', 'eu-west-1')).to.equal(golden('powershell.txt'))
  })

  it('windows-cmd: set "NAME=value" (golden file)', () => {
    expect(formatCredentials(cmdSafe, 'windows-cmd', 'eu-west-1')).to.equal(golden('windows-cmd.txt'))
  })

  it('windows-cmd refuses " % ! and line breaks; dotenv anything but plain token characters', () => {
    for (const bad of ['a"b', 'a%PATH%b', 'a!x!b', 'a\nb', 'a\rb']) {
      expect(() => formatCredentials({...cmdSafe, sessionToken: bad}, 'windows-cmd')).to.throw(KeylessError, /windows-cmd format cannot carry AWS_SESSION_TOKEN/)
    }
    for (const bad of ['a b', "a'b", 'a"b', 'a$b', 'a#b', 'a\\b', 'a\nb', 'a`b']) {
      expect(() => formatCredentials({...cmdSafe, accessKeyId: 'ASIA', secretAccessKey: 'k', sessionToken: bad}, 'dotenv')).to.throw(KeylessError, /dotenv format cannot carry AWS_SESSION_TOKEN/)
    }
    const refusal = (() => {
      try {
        formatCredentials({...cmdSafe, sessionToken: 'secret"value'}, 'windows-cmd')
      } catch (error) {
        return (error as KeylessError).line
      }
    })()
    expect(refusal).to.not.include('secret')
  })

  it('dotenv: NAME=value lines; json: the credential_process JSON without region', () => {
    const plain = {accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'abc/def+ghi=', sessionToken: 'IQo+/=', expiresAt}
    expect(formatCredentials(plain, 'dotenv', 'eu-west-1')).to.equal(
      'AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=abc/def+ghi=\nAWS_SESSION_TOKEN=IQo+/=\nAWS_CREDENTIAL_EXPIRATION=2026-12-01T15:30:00.000Z\nAWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\n',
    )
    expect(JSON.parse(formatCredentials(plain, 'json', 'eu-west-1'))).to.deep.equal({
      Version: 1, AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'abc/def+ghi=', SessionToken: 'IQo+/=', Expiration: '2026-12-01T15:30:00.000Z',
    })
  })

  it('every format without a region leaves AWS_REGION out', () => {
    const plain = {accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'abc', sessionToken: 'IQo', expiresAt}
    for (const format of exportFormats) {
      const text = formatCredentials(plain, format)
      expect(text, format).to.not.include('AWS_REGION')
      expect(text, format).to.include(format === 'json' ? '"Expiration":"2026-12-01T15:30:00.000Z"' : 'AWS_CREDENTIAL_EXPIRATION')
    }
  })
})
