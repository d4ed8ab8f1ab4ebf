import {expect} from 'chai'
import {packageFinder} from '../../src/switch/fzf-package.js'
import {createScratch, fuzzyScore, maxScoreFor, prepareText} from '../../src/util/fuzzy-score.js'
import {createFuzzyIndex} from '../../src/switch/fuzzy-index.js'

/** A small deterministic PRNG, so a failure can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function packageScore(text: string, query: string): number {
  const found = packageFinder([text], (t) => t).find(query)
  return found.length === 0 ? -1 : found[0].score
}

function ourScore(text: string, term: string): number {
  const caseSensitive = term.toLowerCase() !== term
  const codes = Uint8Array.from(caseSensitive ? term : term.toLowerCase(), (c) => c.charCodeAt(0))
  return fuzzyScore(prepareText(text), codes, caseSensitive, createScratch(8, 2))
}

describe('fuzzyScore (fzf v2, allocation-free)', () => {
  it('gives the same score as the fzf package on 20,000 random texts and terms', () => {
    const random = prng(42)
    const alphabet = 'aAbBcdDeprRoOdD-_.0123 /x'
    const pick = (n: number) => Array.from({length: n}, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
    let matches = 0
    for (let i = 0; i < 20_000; i++) {
      const text = pick(1 + Math.floor(random() * 60))
      const term = pick(1 + Math.floor(random() * 5)).replace(/[ ]/g, 'a')
      if (/^[!'^]|\$$/.test(term)) continue
      const expected = packageScore(text, term)
      const actual = ourScore(text, term)
      if (expected >= 0) matches++
      expect(actual, `${JSON.stringify(text)} ~ ${JSON.stringify(term)}`).to.equal(expected)
    }
    expect(matches).to.be.greaterThan(2000)
  })

  it('scores realistic account/role texts exactly like the package', () => {
    const texts = [
      'workload-prod.AdministratorAccess 111122223333 corp',
      'team4-workload-dev-4.ReadOnlyAccess 100000031676 corp',
      'log-archive.AuditReadOnly 222233334444 corp',
      'sandbox-alice.PowerUserAccess 999988887777 lab',
    ]
    for (const text of texts) {
      for (const term of ['adm', 'prod', 'Adm', 'wpa', '1111', 'corp', 'ro', 'a', 'x', 'lab', 'p.a', 'AdminAccess']) {
        expect(ourScore(text, term), `${text} ~ ${term}`).to.equal(packageScore(text, term))
      }
    }
  })

  it('grows its scratch rows for long texts', () => {
    const text = `${'x'.repeat(600)}-prod-admin`
    expect(ourScore(text, 'padm')).to.equal(packageScore(text, 'padm'))
  })
})

describe('createFuzzyIndex', () => {
  const items = [
    {name: 'workload-prod.AdministratorAccess', id: '111122223333'},
    {name: 'workload-dev.AdministratorAccess', id: '444455556666'},
    {name: 'workload-prod.ReadOnlyAccess', id: '111122223333'},
    {name: 'sandbox.ReadOnlyAccess', id: '777788889999'},
    {name: 'Zoë-prod.ReadOnlyAccess', id: '123412341234'},
  ]
  const text = (i: (typeof items)[number]) => `${i.name} ${i.id}`

  it('ranks like the fzf package (extended mode: every term must match)', () => {
    const index = createFuzzyIndex(items, {text})
    for (const query of ['prod adm', 'ro', 'wpa', '1111', 'prod', 'zoe', 'Zoë', 'dev admin', 'nothing-here']) {
      const ours = index.search(query, 10).matches.map((m) => [m.item.name, m.score])
      const theirs = packageFinder(items, text)
        .find(query)
        .map((r) => [r.item.name, r.score])
      expect(new Map(ours as Array<[string, number]>), query).to.deep.equal(new Map(theirs as Array<[string, number]>))
    }
  })

  it('narrows as a query grows and widens again when it shrinks, with the same results as a fresh search', () => {
    const index = createFuzzyIndex(items, {text})
    const typed = ['p', 'pr', 'prod', 'prod ', 'prod r', 'prod re', 'prod r', 'pro', 'Pro', 'z', 'zo', 'zoe', 'sand', '']
    for (const query of typed) {
      const fresh = createFuzzyIndex(items, {text}).search(query)
      expect(index.search(query), query).to.deep.equal(fresh)
    }
    expect(index.search('prod').total).to.equal(3)
    expect(index.search('sand').matches.map((m) => m.item.name)).to.deep.equal(['sandbox.ReadOnlyAccess'])
  })

  it('hands fzf operators (exact, prefix, suffix, not, or) to the package', () => {
    const index = createFuzzyIndex(items, {text})
    expect(index.search("'prod !Read").matches.map((m) => m.item.name)).to.deep.equal(['workload-prod.AdministratorAccess'])
    expect(index.search('^sandbox').total).to.equal(1)
    expect(index.search('3333$').total).to.equal(2)
    expect(index.search('sandbox | dev').total).to.equal(2)
  })

  it('breaks score ties by rank (frecency), then shorter text', () => {
    const ranks = new Map([['workload-dev.AdministratorAccess', 10]])
    const index = createFuzzyIndex(items, {text, rank: (i) => ranks.get(i.name) ?? 0})
    expect(index.search('').matches[0].item.name).to.equal('workload-dev.AdministratorAccess')
    const adm = index.search('workload admin').matches
    expect(adm[0].score).to.equal(adm[1].score)
    expect(adm[0].item.name).to.equal('workload-dev.AdministratorAccess')
  })

  it('returns at most `limit` matches with the total count', () => {
    const many = Array.from({length: 1000}, (_, i) => ({name: `acct-${i}.Admin`, id: String(i)}))
    const result = createFuzzyIndex(many, {text}).search('acct', 7)
    expect(result.matches).to.have.length(7)
    expect(result.total).to.equal(1000)
  })
})

describe('maxScoreFor', () => {
  it('bounds every score the package gives (a prefix match at a boundary reaches it)', () => {
    const random = prng(7)
    const alphabet = 'abAB-_.01 '
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({length: 1 + Math.floor(random() * 30)}, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      const term = text.slice(0, 1 + Math.floor(random() * 4)).replace(/[ ]/g, 'a')
      const s = packageScore(text, term)
      if (s >= 0) expect(s).to.be.at.most(maxScoreFor(term.length))
    }
    expect(packageScore('prod-admin', 'prod')).to.equal(maxScoreFor(4))
  })
})
