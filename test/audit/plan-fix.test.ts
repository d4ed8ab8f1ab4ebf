import {expect} from 'chai'
import {planFix, type PlanFile} from '../../src/audit/plan-fix.js'
import {undoHunks} from '../../src/audit/undo-hunks.js'
import type {FileRecord} from '../../src/audit/audit-record.js'

const ID = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const config = '/h/.aws/config'
const creds = '/h/.aws/credentials'

/** Undoes every record of a plan for one file, newest hunks first, as --restore does. */
function undoAll(records: Map<string, FileRecord[]>, path: string, text: string): string {
  const hunks = [...records.values()].flat().filter((r) => r.path === path).flatMap((r) => r.hunks)
  const result = undoHunks(text, hunks)
  expect(result.lost).to.deep.equal([])
  return result.text
}

function roundTrip(files: PlanFile[], profiles: string[], replaceWith?: string) {
  const plan = planFix({
    files,
    profiles,
    configFile: config,
    ...(replaceWith ? {replaceWith: {profile: replaceWith, credentialProcess: `keyless credential-process --profile ${replaceWith}`}} : {}),
  })
  for (const file of plan.files) {
    const original = files.find((f) => f.path === file.path)!.text ?? ''
    expect(undoAll(plan.records, file.path, file.newText), `undo of ${file.path}`).to.equal(original)
  }
  return plan
}

describe('audit/plan-fix', () => {
  it('removes exactly the key lines of the chosen profile (CRLF, comments, other profiles kept)', () => {
    const text =
      '# my credentials\r\n[default]\r\naws_access_key_id = AKIADEFAULTDEFAULT01\r\naws_secret_access_key = defaultsecretdefaultsecret0000000000000\r\n\r\n' +
      `[legacy] ; old IAM user\r\n# rotated 2019\r\naws_access_key_id=${ID}\r\naws_secret_access_key=${SECRET}\r\nregion = eu-west-1\r\n\r\n[other]\r\nfoo = bar\r\n`
    const plan = roundTrip([{path: creds, text, format: 'credentials'}], ['legacy'])
    expect(plan.files).to.have.length(1)
    expect(plan.files[0].newText).to.equal(
      '# my credentials\r\n[default]\r\naws_access_key_id = AKIADEFAULTDEFAULT01\r\naws_secret_access_key = defaultsecretdefaultsecret0000000000000\r\n\r\n' +
        '[legacy] ; old IAM user\r\n# rotated 2019\r\nregion = eu-west-1\r\n\r\n[other]\r\nfoo = bar\r\n',
    )
    expect(plan.files[0].newText).not.to.include(ID.slice(4))
    expect(plan.records.get('legacy')?.[0].hunks[0].before.join('')).to.include(SECRET)
  })

  it('handles a file without a final newline, session tokens and duplicate sections', () => {
    const text = `[a]\naws_access_key_id = ${ID}\n[b]\nx = 1\n[a]\naws_secret_access_key = ${SECRET}\naws_session_token = tok`
    const plan = roundTrip([{path: creds, text, format: 'credentials'}], ['a'])
    expect(plan.files[0].newText).to.equal('[a]\n[b]\nx = 1\n[a]')
  })

  it('fixes several profiles in one pass and restores them exactly', () => {
    const text = `[a]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n\n[b]\naws_access_key_id = AKIABBBBBBBBBBBBBBBB\naws_secret_access_key = ${SECRET}B\n`
    const plan = roundTrip([{path: creds, text, format: 'credentials'}], ['a', 'b'])
    expect(plan.files[0].newText).to.equal('[a]\n\n[b]\n')
    expect([...plan.records.keys()].sort()).to.deep.equal(['a', 'b'])
    // restoring just one of them puts back only its lines
    const onlyB = undoHunks(plan.files[0].newText, plan.records.get('b')![0].hunks)
    expect(onlyB.text).to.equal(`[a]\n\n[b]\naws_access_key_id = AKIABBBBBBBBBBBBBBBB\naws_secret_access_key = ${SECRET}B\n`)
  })

  it('--replace-with adds credential_process to an existing config section, after its last entry', () => {
    const cfg = '[profile legacy]\r\nregion = eu-west-1\r\noutput = json\r\n\r\n[profile prod-admin]\r\nkeyless_account_id = 111122223333\r\n'
    const text = `[legacy]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`
    const plan = roundTrip(
      [
        {path: creds, text, format: 'credentials'},
        {path: config, text: cfg, format: 'config'},
      ],
      ['legacy'],
      'prod-admin',
    )
    const newConfig = plan.files.find((f) => f.path === config)!.newText
    expect(newConfig).to.equal(
      '[profile legacy]\r\nregion = eu-west-1\r\noutput = json\r\ncredential_process = keyless credential-process --profile prod-admin\r\n\r\n[profile prod-admin]\r\nkeyless_account_id = 111122223333\r\n',
    )
  })

  it('--replace-with creates the section (or the whole config file) when the profile is only in the credentials file', () => {
    const text = `[default]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`
    const section = '[default]\ncredential_process = keyless credential-process --profile dev\n'
    const cases: Array<[string | undefined, string]> = [
      ['[profile dev]\nkeyless_account_id = 1\n', `[profile dev]\nkeyless_account_id = 1\n\n${section}`],
      // no final newline: inserted before the first section, so no existing byte changes
      ['[profile dev]\nkeyless_account_id = 1', `${section}\n[profile dev]\nkeyless_account_id = 1`],
      ['# only a comment', `# only a comment\n\n${section}`],
      ['', section],
      [undefined, section],
    ]
    for (const [cfg, expected] of cases) {
      const plan = roundTrip(
        [
          {path: creds, text, format: 'credentials'},
          {path: config, text: cfg, format: 'config'},
        ],
        ['default'],
        'dev',
      )
      const newConfig = plan.files.find((f) => f.path === config)!
      expect(newConfig.newText).to.equal(expected)
      expect(newConfig.existed).to.equal(cfg !== undefined)
    }
  })

  it('--replace-with refuses a profile that already has another credential_process or a role_arn', () => {
    const text = `[x]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`
    for (const extra of ['credential_process = other-tool', 'role_arn = arn:aws:iam::111122223333:role/R']) {
      expect(() =>
        planFix({
          files: [
            {path: creds, text, format: 'credentials'},
            {path: config, text: `[profile x]\n${extra}\n`, format: 'config'},
          ],
          profiles: ['x'],
          configFile: config,
          replaceWith: {profile: 'dev', credentialProcess: 'keyless credential-process --profile dev'},
        }),
      ).to.throw(/credential_process|role_arn/)
    }
  })

  it('keys in the config file itself: removed, and the same section gets credential_process', () => {
    const cfg = `[profile ci]\nregion = us-east-1\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n[profile dev]\nsso_account_id = 1\n`
    const plan = roundTrip([{path: config, text: cfg, format: 'config'}], ['ci'], 'dev')
    expect(plan.files[0].newText).to.equal('[profile ci]\nregion = us-east-1\ncredential_process = keyless credential-process --profile dev\n[profile dev]\nsso_account_id = 1\n')
  })

  it('shell files: removes whole export lines, keeps everything else, restores exactly', () => {
    const text = `# aws\nexport AWS_ACCESS_KEY_ID=${ID}\nexport AWS_SECRET_ACCESS_KEY="${SECRET}"\nalias ll='ls -l'\nAWS_ACCESS_KEY_ID=${ID} aws s3 ls\nexport AWS_SESSION_TOKEN=abcdefabcdefabcdefabcdef`
    const plan = roundTrip([{path: '/h/.bashrc', text, format: 'shell', selector: '~/.bashrc'}], ['~/.bashrc'])
    expect(plan.files[0].newText).to.equal(`# aws\nalias ll='ls -l'\nAWS_ACCESS_KEY_ID=${ID} aws s3 ls`)
    const first = roundTrip([{path: '/h/.zshrc', text: `export AWS_ACCESS_KEY_ID=${ID}\nfoo\n`, format: 'shell', selector: '~/.zshrc'}], ['~/.zshrc'])
    expect(first.files[0].newText).to.equal('foo\n')
  })

  it('restore after unrelated edits elsewhere still puts the lines back in their section', () => {
    const text = `[a]\nregion = x\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n\n[b]\ny = 2\n`
    const plan = planFix({files: [{path: creds, text, format: 'credentials'}], profiles: ['a'], configFile: config})
    const edited = `# added later\n${plan.files[0].newText}[c]\nz = 3\n`
    const undone = undoHunks(edited, plan.records.get('a')![0].hunks)
    expect(undone.lost).to.deep.equal([])
    expect(undone.text).to.equal(`# added later\n${text}[c]\nz = 3\n`)
    // and a second undo finds them already there
    expect(undoHunks(undone.text, plan.records.get('a')![0].hunks).alreadyThere).to.equal(1)
  })

  it('reports a hunk as lost when its anchor is gone', () => {
    const text = `[a]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`
    const plan = planFix({files: [{path: creds, text, format: 'credentials'}], profiles: ['a'], configFile: config})
    expect(undoHunks('[renamed]\n', plan.records.get('a')![0].hunks).lost).to.have.length(1)
  })
})
