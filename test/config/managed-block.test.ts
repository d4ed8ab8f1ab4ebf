import {expect} from 'chai'
import {
  beginMarker,
  endMarker,
  handWrittenProfileNames,
  managedProfileNames,
  readManagedBlock,
  replaceManagedBlock,
} from '../../src/config/managed-block.js'
import {UsageError} from '../../src/errors.js'
import {crlfNoFinalNewline, kitchenSink} from './fixtures.js'

const corpBody = '[profile acme-prod.Admin]\nkeyless_session = corp\nkeyless_account_id = 111111111111\nkeyless_role_name = Admin\n\n[profile acme-dev.Dev]\nkeyless_session = corp\nkeyless_account_id = 222222222222\nkeyless_role_name = Dev\n'
const labBody = '[profile lab.Dev]\nkeyless_session = lab\nkeyless_account_id = 333333333333\nkeyless_role_name = Dev\n'

describe('managed-block', () => {
  it('appends a new block at the end after a blank line, leaving every byte before it', () => {
    const out = replaceManagedBlock(kitchenSink, 'corp', corpBody)
    expect(out.startsWith(kitchenSink)).to.equal(true)
    expect(out.slice(kitchenSink.length)).to.equal(`\n${beginMarker('corp')}\n${corpBody}${endMarker('corp')}\n`)
    // a file that already ends with a blank line gets no second one
    const blankEnd = `${kitchenSink}\n`
    expect(replaceManagedBlock(blankEnd, 'corp', corpBody)).to.equal(`${blankEnd}${beginMarker('corp')}\n${corpBody}${endMarker('corp')}\n`)
  })

  it('reads back the body it wrote, with line numbers', () => {
    const out = replaceManagedBlock('[default]\nregion = x\n', 'corp', corpBody)
    expect(readManagedBlock(out, 'corp')).to.deep.equal({body: corpBody, startLine: 3, endLine: 3 + corpBody.split('\n').length + 1})
    expect(readManagedBlock(out, 'lab')).to.equal(undefined)
  })

  it('is idempotent: the same body again returns the same text', () => {
    const once = replaceManagedBlock(kitchenSink, 'corp', corpBody)
    expect(replaceManagedBlock(once, 'corp', corpBody)).to.equal(once)
    const crlf = replaceManagedBlock(crlfNoFinalNewline, 'corp', corpBody)
    expect(replaceManagedBlock(crlf, 'corp', corpBody)).to.equal(crlf)
    expect(replaceManagedBlock(crlf, 'corp', corpBody.replaceAll('\n', '\r\n'))).to.equal(crlf)
  })

  it('replaces a block in place, preserving every byte outside it', () => {
    const before = '# head\n[default]\nregion = x\n\n'
    const after = '\n# tail comment\n[profile mine]\nregion = y   ; odd\n'
    const text = `${before}${beginMarker('corp')}\n${corpBody}${endMarker('corp')}\n${after}`
    const out = replaceManagedBlock(text, 'corp', labBody.replaceAll('lab', 'corp'))
    expect(out).to.equal(`${before}${beginMarker('corp')}\n${labBody.replaceAll('lab', 'corp')}${endMarker('corp')}\n${after}`)
  })

  it('keeps CRLF inside the block of a CRLF file, and the missing final newline when the block was last', () => {
    const added = replaceManagedBlock(crlfNoFinalNewline, 'corp', corpBody)
    expect(added).to.equal(`${crlfNoFinalNewline}\r\n\r\n${beginMarker('corp')}\r\n${corpBody.replaceAll('\n', '\r\n')}${endMarker('corp')}\r\n`)
    expect(added.replaceAll('\r\n', '').includes('\n')).to.equal(false)
    const lastNoNewline = added.slice(0, -2)
    const replaced = replaceManagedBlock(lastNoNewline, 'corp', labBody)
    expect(replaced).to.equal(`${crlfNoFinalNewline}\r\n\r\n${beginMarker('corp')}\r\n${labBody.replaceAll('\n', '\r\n')}${endMarker('corp')}`)
  })

  it('removes a block (undefined body) with its separating blank line: add then remove is neutral', () => {
    for (const base of [kitchenSink, '[default]\nregion = x\n', '', '[a]\r\nk = v\r\n']) {
      const added = replaceManagedBlock(base, 'corp', corpBody)
      expect(replaceManagedBlock(added, 'corp', undefined), JSON.stringify(base)).to.equal(base)
    }
    const two = replaceManagedBlock(replaceManagedBlock('[default]\nregion = x\n', 'corp', corpBody), 'lab', labBody)
    expect(replaceManagedBlock(two, 'corp', undefined)).to.equal(replaceManagedBlock('[default]\nregion = x\n', 'lab', labBody))
    expect(replaceManagedBlock('[default]\n', 'nope', undefined)).to.equal('[default]\n')
  })

  it('keeps blocks of different sessions apart', () => {
    const text = replaceManagedBlock(replaceManagedBlock(kitchenSink, 'corp', corpBody), 'lab', labBody)
    const updated = replaceManagedBlock(text, 'corp', '')
    expect(readManagedBlock(updated, 'corp')?.body).to.equal('')
    expect(readManagedBlock(updated, 'lab')?.body).to.equal(labBody)
    expect(updated.startsWith(kitchenSink)).to.equal(true)
  })

  it('tells managed from hand-written profiles', () => {
    const text = replaceManagedBlock(replaceManagedBlock(kitchenSink, 'corp', corpBody), 'lab', labBody)
    expect([...managedProfileNames(text)]).to.deep.equal([
      ['acme-prod.Admin', 'corp'],
      ['acme-dev.Dev', 'corp'],
      ['lab.Dev', 'lab'],
    ])
    expect([...handWrittenProfileNames(text)]).to.deep.equal(['default', 'dev', 'unicode-values', 'acme.admin'])
  })

  it('refuses broken markers with a UsageError naming the line', () => {
    const begin = beginMarker('corp')
    const end = endMarker('corp')
    const cases: Array<[string, RegExp]> = [
      [`[default]\n${begin}\n[profile a]\n`, /line 2 .*has no end marker/],
      [`${end}\n`, /line 1 .*never started/],
      [`${begin}\n${beginMarker('lab')}\n${endMarker('lab')}\n${end}\n`, /line 1 .*no end marker before another block/],
      [`${begin}\n${endMarker('lab')}\n`, /line 2 .*ends "lab" but "corp" started at line 1/],
      [`${begin}\n${end}\n${begin}\n${end}\n`, /line 3 .*repeats the block of "corp"/],
    ]
    for (const [text, message] of cases) {
      expect(() => replaceManagedBlock(text, 'corp', corpBody), text).to.throw(UsageError, message)
      expect(() => managedProfileNames(text), text).to.throw(UsageError)
    }
  })

  it('refuses a body that contains markers', () => {
    expect(() => replaceManagedBlock('', 'corp', `[profile a]\n${endMarker('corp')}\n`)).to.throw(TypeError)
  })

  it('recognises markers with odd spacing a person may have introduced', () => {
    const text = `#>>>  keyless managed: corp (whatever) >>>  \n[profile a]\nk = v\n  #  <<<   keyless managed: corp <<<\n`
    expect(readManagedBlock(text, 'corp')?.body).to.equal('[profile a]\nk = v\n')
  })
})
