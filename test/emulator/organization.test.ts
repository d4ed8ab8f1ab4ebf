import {expect} from 'chai'
import {
  EXTERNAL_AUDITOR_EXTERNAL_ID, EXTERNAL_AUDITOR_ROLE_ARN, generatedOrganization, landingZone, LANDING_ZONE_ACCOUNT_IDS,
} from './organization.js'

describe('emulator: organization fixtures', () => {
  it('landingZone has the eight accounts, sensible permission sets and an external-id role', () => {
    const org = landingZone()
    expect(org.accounts.map((a) => a.accountName)).to.deep.equal(Object.keys(LANDING_ZONE_ACCOUNT_IDS))
    for (const a of org.accounts) {
      expect(a.accountId).to.match(/^\d{12}$/)
      expect(a.emailAddress).to.contain('@')
    }
    expect(new Set(org.accounts.map((a) => a.accountId)).size).to.equal(8)
    expect(org.assignments[LANDING_ZONE_ACCOUNT_IDS['log-archive']]).to.deep.equal(['ReadOnlyAccess'])
    expect(org.assignments[LANDING_ZONE_ACCOUNT_IDS['workload-prod']]).to.not.include('AdministratorAccess')
    const all = new Set(Object.values(org.assignments).flat())
    expect([...all].sort()).to.deep.equal(['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'])
    const auditor = org.assumableRoles.find((r) => r.roleArn === EXTERNAL_AUDITOR_ROLE_ARN)
    expect(auditor?.externalId).to.equal(EXTERNAL_AUDITOR_EXTERNAL_ID)
    expect(org.startUrl).to.match(/^https:\/\/d-[0-9a-f]{10}\.awsapps\.com\/start$/)
  })

  it('generatedOrganization is large, unique and deterministic', () => {
    const started = performance.now()
    const a = generatedOrganization(5000, 4)
    expect(performance.now() - started).to.be.lessThan(500)
    const b = generatedOrganization(5000, 4)
    expect(a).to.deep.equal(b)
    expect(a.accounts).to.have.length(5000)
    expect(new Set(a.accounts.map((x) => x.accountId)).size).to.equal(5000)
    expect(new Set(a.accounts.map((x) => x.accountName)).size).to.equal(5000)
    for (const x of a.accounts.slice(0, 50)) {
      expect(x.accountId).to.match(/^\d{12}$/)
      expect(a.assignments[x.accountId]).to.have.length(4)
      expect(new Set(a.assignments[x.accountId]).size).to.equal(4)
    }
    expect(generatedOrganization(3, 14).assignments[a.accounts[0].accountId]).to.include('CustomRole4')
    expect(a.assumableRoles[0].externalId).to.equal(EXTERNAL_AUDITOR_EXTERNAL_ID)
  })
})
