import {expect} from 'chai'
import {landingZone} from '../emulator/organization.js'
import {clearWinner, termsStartWords, wordsOf} from '../../src/switch/clear-winner.js'
import {createFuzzyIndex} from '../../src/switch/fuzzy-index.js'

// The landing-zone org as switch sees it: "{account}.{role} {account id} {session}".
const org = landingZone()
const entries = org.accounts.flatMap((a) => (org.assignments[a.accountId] ?? []).map((r) => `${a.accountName}.${r} ${a.accountId} corp`))
const index = createFuzzyIndex(entries, {text: (e) => e})
const winner = (query: string) => clearWinner(query, index.search(query, 50).matches, (e) => e)?.split(' ')[0]

describe('clearWinner (switch without a terminal)', () => {
  it('splits words at punctuation and camelCase', () => {
    expect(wordsOf('workload-dev.ReadOnlyAccess 2236')).to.include.members(['workload', 'dev', 'readonlyaccess', 'read', 'only', 'access', '2236'])
    expect(termsStartWords('dev read', 'workload-dev.ReadOnlyAccess')).to.equal(true)
    expect(termsStartWords('dev ead', 'workload-dev.ReadOnlyAccess')).to.equal(false)
  })

  it('takes the only match whose every term starts a word, or a best score that leads by 25 %', () => {
    expect(winner('dev read')).to.equal('workload-dev.ReadOnlyAccess') // 4 fuzzy matches, one by words
    expect(winner('dev admin')).to.equal('workload-dev.AdministratorAccess')
    expect(winner('sec admin')).to.equal('security.AdministratorAccess')
    expect(winner('shared power')).to.equal('shared-services.PowerUserAccess')
    expect(winner('log archive')).to.equal('log-archive.ReadOnlyAccess')
  })

  it('refuses near-ties: several word matches of equal score, or a lead under 25 %', () => {
    for (const query of ['workload read', 'dev', 'admin', 'test', 'net ro', 'wd read']) expect(winner(query), query).to.equal(undefined)
  })

  it('without word matches, the score margin decides (fzf: consecutive and boundary bonuses)', () => {
    const matches = index.search('devread', 50).matches
    expect(matches.map((m) => m.item.split(' ')[0])).to.deep.equal(['workload-dev.ReadOnlyAccess', 'shared-services.ReadOnlyAccess'])
    expect(matches.some((m) => termsStartWords('devread', m.item))).to.equal(false)
    expect(winner('devread')).to.equal('workload-dev.ReadOnlyAccess') // 173 vs 130
    expect(winner('devadm')).to.equal('workload-dev.AdministratorAccess')
    expect(winner('secadm')).to.equal(undefined) // 144 vs 134: too close
  })
})
