import {expect} from 'chai'
import {maskKeyId} from '../../src/util/mask-key-id.js'
import {judgeKey} from '../../src/audit/judge-key.js'
import {scanAwsFile} from '../../src/audit/scan-aws-file.js'
import {findShellAssignments, scanShellFile} from '../../src/audit/scan-shell-file.js'
import {scanEnvironment} from '../../src/audit/scan-environment.js'
import {scanCacheFile} from '../../src/audit/scan-cache-file.js'
import {formatFixResult} from '../../src/audit/format-audit.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const DAY = 86_400_000
const ID = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TEMP_ID = 'ASIAIOSFODNN7TEMPXYZ'

describe('audit/scanners', () => {
  it('masks key ids as first 4 + last 4, never more', () => {
    expect(maskKeyId(ID)).to.equal('AKIA****MPLE')
    expect(maskKeyId('AKIA1234')).to.equal('AKIA****')
  })

  it('judges AKIA high, ASIA medium while it may live and low once surely dead, unknown kinds as long-lived', () => {
    expect(judgeKey({keyId: ID, hasSessionToken: false}, NOW)).to.include({keyType: 'long-lived', severity: 'high', longLived: true})
    expect(judgeKey({keyId: TEMP_ID, hasSessionToken: true, modifiedAt: NOW - 3600_000}, NOW)).to.include({severity: 'medium', longLived: false})
    expect(judgeKey({keyId: TEMP_ID, hasSessionToken: true, modifiedAt: NOW - 3 * DAY}, NOW)).to.include({severity: 'low', expired: true})
    expect(judgeKey({keyId: TEMP_ID, hasSessionToken: true, expiresAt: NOW + 1000, modifiedAt: NOW - 3 * DAY}, NOW)).to.include({severity: 'medium'})
    expect(judgeKey({keyId: 'MINIOKEY12345678', hasSessionToken: false}, NOW)).to.include({keyType: 'unknown', longLived: true, severity: 'medium'})
    expect(judgeKey({hasSessionToken: false}, NOW)).to.include({longLived: true, severity: 'high'})
  })

  it('AWS files: one finding per profile with keys, masked id, line, file age; key material kept apart', () => {
    const text = `[default]\nregion = us-east-1\n\n[legacy]\n# old\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n[temp]\naws_access_key_id=${TEMP_ID}\naws_secret_access_key=${SECRET}\naws_session_token=FQoGZXIvYXdzEJr\nx_security_token_expires = 2026-06-01T13:00:00Z\n`
    const scan = scanAwsFile({path: '/home/u/.aws/credentials', home: '/home/u', text, format: 'credentials', modifiedAt: NOW - 400 * DAY}, NOW)
    expect(scan.findings.map((f) => [f.profile, f.location, f.keyId, f.severity, f.fileAgeDays])).to.deep.equal([
      ['legacy', '~/.aws/credentials:6', 'AKIA****MPLE', 'high', 400],
      ['temp', '~/.aws/credentials:9', 'ASIA****PXYZ', 'medium', 400],
    ])
    expect(scan.findings[1].expiresAt).to.equal('2026-06-01T13:00:00.000Z')
    expect(JSON.stringify(scan.findings)).not.to.include(SECRET)
    expect(JSON.stringify(scan.findings)).not.to.include(ID)
    expect(scan.keys.get(scan.findings[0].id)).to.deep.equal({accessKeyId: ID, secretAccessKey: SECRET})
  })

  it('config files: profiles are [profile NAME]; a malformed file is reported but not fixable', () => {
    const text = `[profile ci]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\nnot a setting\n`
    const [finding] = scanAwsFile({path: '/h/.aws/config', home: '/h', text, format: 'config', modifiedAt: NOW}, NOW).findings
    expect(finding.profile).to.equal('ci')
    expect(finding.fixable).to.equal(false)
    expect(finding.advice).to.match(/malformed line 4/)
  })

  it('shell files: export, plain, declare, fish set -gx, setenv; references and comments are not keys', () => {
    const text = [
      `export AWS_ACCESS_KEY_ID=${ID}`,
      `export AWS_SECRET_ACCESS_KEY='${SECRET}'`,
      '# export AWS_ACCESS_KEY_ID=AKIACOMMENTEDOUT0000',
      'export AWS_ACCESS_KEY_ID=$(pass show aws/id)',
      'export AWS_SECRET_ACCESS_KEY="$AWS_SECRET_FROM_VAULT_X"',
      `set -gx AWS_ACCESS_KEY_ID AKIAFISHFISHFISHFISH`,
      `set -e AWS_ACCESS_KEY_ID`,
      `setenv AWS_ACCESS_KEY_ID AKIACSHCSHCSHCSHCSH1`,
      `AWS_ACCESS_KEY_ID=AKIAPREFIXPREFIXPREF aws s3 ls`,
      `declare -x AWS_SESSION_TOKEN=FQoGZXIvYXdzEJrFQoG`,
    ].join('\n')
    const found = findShellAssignments(text)
    expect(found.map((a) => [a.variable, a.line, a.wholeLine])).to.deep.equal([
      ['AWS_ACCESS_KEY_ID', 0, true],
      ['AWS_SECRET_ACCESS_KEY', 1, true],
      ['AWS_ACCESS_KEY_ID', 5, true],
      ['AWS_ACCESS_KEY_ID', 7, true],
      ['AWS_ACCESS_KEY_ID', 8, false],
      ['AWS_SESSION_TOKEN', 9, true],
    ])
    const scan = scanShellFile({path: '/h/.bashrc', home: '/h', text, modifiedAt: NOW}, NOW)
    expect(scan.findings.map((f) => [f.location, f.keyId, f.fixable])).to.deep.equal([
      ['~/.bashrc:1', 'AKIA****MPLE', true],
      ['~/.bashrc:6', 'AKIA****FISH', true],
      ['~/.bashrc:8', 'AKIA****CSH1', true],
      ['~/.bashrc:9', 'AKIA****PREF', false],
    ])
    expect(scan.keys.get(scan.findings[0].id)?.secretAccessKey).to.equal(SECRET)
  })

  it('environment: AKIA is high; temporary credentials are information', () => {
    const [high] = scanEnvironment({AWS_ACCESS_KEY_ID: ID, AWS_SECRET_ACCESS_KEY: SECRET}, NOW).findings
    expect(high).to.include({location: '$AWS_ACCESS_KEY_ID', keyId: 'AKIA****MPLE', severity: 'high', longLived: true, fixable: false})
    const [info] = scanEnvironment({AWS_ACCESS_KEY_ID: TEMP_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: 'x', AWS_CREDENTIAL_EXPIRATION: '2026-06-01T13:00:00Z'}, NOW).findings
    expect(info).to.include({severity: 'info', longLived: false, expired: false})
    expect(scanEnvironment({}, NOW).findings).to.deep.equal([])
  })

  it('caches: SSO tokens, client registrations and CLI role credentials, with expiry', () => {
    const token = scanCacheFile({path: '/h/.aws/sso/cache/a.json', home: '/h', cache: 'sso', modifiedAt: NOW, text: JSON.stringify({startUrl: 'https://x/start', accessToken: 'tok-secret', refreshToken: 'ref-secret', expiresAt: '2026-06-01T11:00:00Z'})}, NOW)!
    expect(token).to.include({kind: 'sso-cache', severity: 'info', expired: true, location: '~/.aws/sso/cache/a.json'})
    expect(token.notes[0]).to.include('refresh token')
    const reg = scanCacheFile({path: '/h/.aws/sso/cache/b.json', home: '/h', cache: 'sso', modifiedAt: NOW, text: JSON.stringify({clientId: 'c', clientSecret: 's', expiresAt: '2026-09-01T00:00:00Z'})}, NOW)!
    expect(reg).to.include({expired: false})
    const cli = scanCacheFile({path: '/h/.aws/cli/cache/c.json', home: '/h', cache: 'cli', modifiedAt: NOW, text: JSON.stringify({Credentials: {AccessKeyId: TEMP_ID, SecretAccessKey: SECRET, SessionToken: 't', Expiration: '2026-06-01T12:30:00Z'}})}, NOW)!
    expect(cli).to.include({keyId: 'ASIA****PXYZ', severity: 'info', expired: false})
    expect(JSON.stringify([token, reg, cli])).not.to.match(/tok-secret|ref-secret|wJalr/)
    expect(scanCacheFile({path: '/h/x.json', home: '/h', cache: 'sso', modifiedAt: NOW, text: 'not json'}, NOW)).to.equal(undefined)
  })

  it('AWS files: empty key lines are not a key (hardening #14)', () => {
    const text = `[default]\naws_access_key_id =\naws_secret_access_key = \naws_session_token=\nregion = eu-west-1\n[ci]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`
    const scan = scanAwsFile({path: '/h/.aws/credentials', home: '/h', text, format: 'credentials', modifiedAt: NOW}, NOW)
    expect(scan.findings.map((f) => f.profile)).to.deep.equal(['ci'])
  })

  it('suggested commands are shell-quoted (hardening #14)', () => {
    const text = `[my old key]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n[it's]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`
    const scan = scanAwsFile({path: '/h/.aws/credentials', home: '/h', text, format: 'credentials', modifiedAt: NOW}, NOW)
    expect(scan.findings[0].advice).to.include("`keyless audit --fix --profile 'my old key'`")
    expect(scan.findings[1].advice).to.include("`keyless audit --fix --profile 'it'\\''s'`")
    const shell = scanShellFile({path: '/h/my dir/.bashrc', home: '/h', text: `export AWS_ACCESS_KEY_ID=${ID}\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\n`, modifiedAt: NOW}, NOW)
    expect(shell.findings[0].advice).to.include("`keyless audit --fix --profile '~/my dir/.bashrc'`")
  })

  it('the Undo: line is shell-quoted (hardening #14)', () => {
    const text = formatFixResult({fixed: [{profile: 'my old key', files: ['~/.aws/credentials'], storeKey: 'audit/my old key'}], leftAlone: []})
    expect(text).to.include("Undo: keyless audit --restore --profile 'my old key'")
  })
})
