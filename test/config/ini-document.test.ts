import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadSharedConfigFiles} from '@smithy/shared-ini-file-loader'
import {expect} from 'chai'
import {parseIniDocument, removeLines, removeSection, upsertSection} from '../../src/config/ini-document.js'
import {allKinds, crlfNoFinalNewline, kitchenSink} from './fixtures.js'

describe('ini-document', () => {
  describe('parseIniDocument', () => {
    it('models sections, kinds, names and entry spans of the kitchen-sink file', () => {
      const doc = parseIniDocument(kitchenSink)
      expect(doc.eol).to.equal('\n')
      expect(doc.problems).to.deep.equal([])
      expect(doc.sections.map((s) => [s.kind, s.name])).to.deep.equal([
        ['default', 'default'],
        ['profile', 'dev'],
        ['sso-session', 'corp'],
        ['services', 'local'],
        ['profile', 'unicode-values'],
        ['profile', 'acme.admin'],
      ])
      const def = doc.sections[0]
      expect(def.startLine).to.equal(3)
      expect(def.endLine).to.equal(7)
      expect(def.entries).to.deep.equal([
        {key: 'region', value: 'eu-central-1', line: 4, endLine: 5},
        {key: 'output', value: 'json', line: 5, endLine: 6},
      ])
      const services = doc.sections[3]
      expect(services.entries.map((e) => [e.key, e.value, e.line, e.endLine])).to.deep.equal([
        ['s3', '', 19, 23],
        ['sts', '', 23, 25],
      ])
      // lines round-trip
      expect(doc.lines.map((l, i) => l + doc.terminators[i]).join('')).to.equal(kitchenSink)
    })

    it('detects CRLF and a missing final newline', () => {
      const doc = parseIniDocument(crlfNoFinalNewline)
      expect(doc.eol).to.equal('\r\n')
      expect(doc.terminators.at(-1)).to.equal('')
      expect(doc.lines.every((l) => !l.includes('\r'))).to.equal(true)
      expect(doc.sections.map((s) => s.header)).to.deep.equal(['default', 'sso-session corp', 'profile dev'])
    })

    it('sees exactly the keys the AWS SDK loader sees', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'keyless-ini-'))
      try {
        for (const text of [kitchenSink, crlfNoFinalNewline, allKinds]) {
          const file = join(dir, 'config')
          writeFileSync(file, text)
          const sdk = (await loadSharedConfigFiles({configFilepath: file, filepath: join(dir, 'none'), ignoreCache: true})).configFile
          const ours: Record<string, Record<string, string>> = {}
          for (const s of parseIniDocument(text).sections) {
            const key = s.kind === 'profile' || s.kind === 'default' ? s.name : s.kind === 'other' ? undefined : `${s.kind}.${s.name}`
            if (key === undefined) continue
            for (const e of s.entries) if (e.value !== '') (ours[key] ??= {})[e.key] = e.value
          }
          // The SDK also keeps sub-section keys (s3.endpoint_url); compare the top-level ones.
          const sdkTop = Object.fromEntries(
            Object.entries(sdk)
              .map(([k, v]) => [k, Object.fromEntries(Object.entries(v as object).filter(([kk]) => !kk.includes('.')))])
              .filter(([, v]) => Object.keys(v).length > 0),
          )
          expect(ours).to.deep.equal(sdkTop)
        }
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })

    it('reports lines the SDK would silently skip', () => {
      const cases: Array<[string, number, RegExp]> = [
        ['[profile a]\nregion = us-east-1\nthis is not a setting\n', 2, /not "key = value"/],
        ['orphan = 1\n[profile a]\n', 0, /outside any \[section\]/],
        ['[profile a]\n= value\n', 1, /no key/],
        ['[profile a\nk = v\n', 0, /outside any|unclosed/],
        ['[profile a]\nregion: us-east-1\n', 1, /not "key = value"/],
        ['[profile __proto__]\nk = v\n', 0, /reserved/],
      ]
      for (const [text, line, reason] of cases) {
        const problems = parseIniDocument(text).problems
        expect(problems.length, text).to.be.greaterThan(0)
        expect(problems[0].line, text).to.equal(line)
        expect(problems[0].reason, text).to.match(reason)
      }
    })

    it('accepts continuation lines, indented comments and comments everywhere', () => {
      const text = '# c\n[profile a] ; c\nk = v\n  continued\n\t# tab comment\n   ; x\nj = w # c\n'
      const doc = parseIniDocument(text)
      expect(doc.problems).to.deep.equal([])
      expect(doc.sections[0].entries).to.deep.equal([
        {key: 'k', value: 'v', line: 2, endLine: 4},
        {key: 'j', value: 'w', line: 6, endLine: 7},
      ])
    })
  })

  describe('upsertSection', () => {
    it('changes a value in place, keeping spacing, trailing comment and every other byte', () => {
      const out = upsertSection(kitchenSink, 'default', [['output', 'yaml'], ['region', 'eu-central-1']])
      expect(out).to.equal(kitchenSink.replace('output =  json   # trailing comment', 'output =  yaml   # trailing comment'))
    })

    it('adds missing keys after the last entry of the section, before trailing blank lines and comments', () => {
      const out = upsertSection(kitchenSink, 'sso-session corp', [['sso_registration_scopes', 'sso:account:access'], ['keyless_guard', '*prod*']])
      expect(out).to.equal(
        kitchenSink.replace('sso_registration_scopes = sso:account:access\n', 'sso_registration_scopes = sso:account:access\nkeyless_guard = *prod*\n'),
      )
    })

    it('keeps unknown keys and comments inside the section', () => {
      const text = '[sso-session x]\n# keep me\nsso_start_url = https://a.example.com/start\ncustom = 1\nsso_region = us-east-1\n'
      const out = upsertSection(text, 'sso-session x', [['sso_start_url', 'https://b.example.com/start'], ['sso_region', 'eu-west-1']])
      expect(out).to.equal('[sso-session x]\n# keep me\nsso_start_url = https://b.example.com/start\ncustom = 1\nsso_region = eu-west-1\n')
    })

    it('appends a new section after a blank line, keeping CRLF, and adds the missing final newline', () => {
      const out = upsertSection(crlfNoFinalNewline, 'sso-session new', [['sso_start_url', 'https://n.example.com/start'], ['sso_region', 'us-east-1']])
      expect(out).to.equal(`${crlfNoFinalNewline}\r\n\r\n[sso-session new]\r\nsso_start_url = https://n.example.com/start\r\nsso_region = us-east-1\r\n`)
      expect(upsertSection('', 'profile a', [['k', 'v']])).to.equal('[profile a]\nk = v\n')
      expect(upsertSection('# only a comment\n\n', 'profile a', [['k', 'v']])).to.equal('# only a comment\n\n[profile a]\nk = v\n')
    })

    it('edits the last line of a CRLF file without a final newline and keeps it that way', () => {
      const out = upsertSection(crlfNoFinalNewline, 'profile dev', [['credential_process', 'keyless credential-process --profile dev --no-login']])
      expect(out).to.equal(crlfNoFinalNewline.replace('--profile dev', '--profile dev --no-login'))
      expect(out.endsWith('--no-login')).to.equal(true)
    })

    it('is idempotent: the same edit twice changes nothing the second time', () => {
      for (const base of [kitchenSink, crlfNoFinalNewline, '', allKinds]) {
        const entries: Array<[string, string]> = [['sso_start_url', 'https://x.example.com/start'], ['sso_region', 'us-east-1']]
        const once = upsertSection(base, 'sso-session corp', entries)
        expect(upsertSection(once, 'sso-session corp', entries)).to.equal(once)
        const again = upsertSection(once, 'sso-session corp', entries)
        expect(again).to.equal(once)
      }
    })

    it('removes a key given as undefined, and replaces a sub-section value with its lines', () => {
      const out = upsertSection(kitchenSink, 'services local', [['s3', undefined], ['sts', 'x']])
      expect(out).to.equal(
        kitchenSink.replace(
          's3 =\n  endpoint_url = http://127.0.0.1:9000\n  # an indented comment inside the sub-section\n  addressing_style = path\nsts =\n    endpoint_url = http://127.0.0.1:4566\n',
          'sts = x\n',
        ),
      )
    })

    it('matches a quoted header and edits the last of duplicate sections (the one the SDK reads last)', () => {
      const text = '[profile "q"]\nk = 1\n\n[profile q]\nk = 2\n'
      expect(upsertSection(text, 'profile q', [['k', '3']])).to.equal('[profile "q"]\nk = 1\n\n[profile q]\nk = 3\n')
    })

    it('keeps a UTF-8 byte order mark, as the SDK reads past it', () => {
      const text = '\uFEFF[default]\r\nregion = us-east-1\r\n'
      expect(parseIniDocument(text).sections[0].kind).to.equal('default')
      expect(upsertSection(text, 'default', [['region', 'eu-west-1']])).to.equal('\uFEFF[default]\r\nregion = eu-west-1\r\n')
    })

    it('refuses entries that would inject lines', () => {
      expect(() => upsertSection('', 'profile a', [['k', 'v\n[profile evil]']])).to.throw(TypeError)
      expect(() => upsertSection('', 'profile a', [['k = x', 'v']])).to.throw(TypeError)
      for (const v of ['a # b', '#a', '; a', ' padded']) expect(() => upsertSection('', 'profile a', [['k', v]]), v).to.throw(TypeError)
      expect(upsertSection('[profile a]\nk = 1\n', 'profile a', [['k', 'a#b;c']])).to.equal('[profile a]\nk = a#b;c\n')
    })

    it('gives an empty-valued entry a value without swallowing its comment', () => {
      expect(upsertSection('[profile a]\ncli_pager =  # off\nk=\n', 'profile a', [['cli_pager', 'less'], ['k', 'v']])).to.equal(
        '[profile a]\ncli_pager =  less # off\nk= v\n',
      )
    })
  })

  describe('removeLines / removeSection', () => {
    it('removes exactly the given lines', () => {
      const text = 'a\r\nb\r\nc\r\n'
      expect(removeLines(text, [1])).to.equal('a\r\nc\r\n')
      expect(removeLines(text, [])).to.equal(text)
      expect(removeLines(text, [7, -1])).to.equal(text)
      expect(removeLines('a\nb', [1])).to.equal('a')
      expect(removeLines('a\nb', [0])).to.equal('b')
    })

    it('removes a section with its comments between entries, keeping what introduces the next one', () => {
      const text = '[default]\nregion = x\n\n[profile old]\naws_access_key_id = AKIA\n# between\naws_secret_access_key = s\n\n# next\n[profile keep]\nk = v\n'
      expect(removeSection(text, 'profile old')).to.equal('[default]\nregion = x\n\n# next\n[profile keep]\nk = v\n')
      expect(removeSection(text, 'profile none')).to.equal(text)
      expect(removeSection('[profile a]\nk = v', 'profile a')).to.equal('')
    })

    it('removes a section from the middle of a CRLF file byte-exactly', () => {
      const out = removeSection(crlfNoFinalNewline, 'sso-session corp')
      expect(out).to.equal(crlfNoFinalNewline.replace('[sso-session corp]\r\nsso_start_url = https://corp.example.com/start\r\nsso_region = eu-central-1\r\n\r\n', ''))
    })
  })
})
