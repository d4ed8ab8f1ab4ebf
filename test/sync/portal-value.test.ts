import {expect} from 'chai'
import {portalValue, unusablePortalPair} from '../../src/sync/portal-value.js'

describe('portalValue / unusablePortalPair (hardening #14 item 6)', () => {
  it('leaves no line break, control character or SDK comment in an account name', () => {
    expect(portalValue('evil\ncredential_process = sh -c x')).to.equal('evil credential_process = sh -c x')
    expect(portalValue('a\r\nb\u2028c\u0085d\u0007e\tf')).to.equal('a b c d e f')
    expect(portalValue('Team #1 ; prod')).to.equal('Team#1; prod')
    expect(portalValue('# hidden')).to.equal('hidden')
    expect(portalValue('\n\t')).to.equal('')
    expect(portalValue('Shared Services (EU)')).to.equal('Shared Services (EU)')
  })

  it('refuses ids and role names AWS never issues', () => {
    expect(unusablePortalPair({accountId: '111122223333', roleName: 'AdministratorAccess'})).to.equal(undefined)
    expect(unusablePortalPair({accountId: '1111\n22223333', roleName: 'Admin'})).to.match(/not 12 digits/)
    expect(unusablePortalPair({accountId: '111122223333', roleName: 'Admin\ncredential_process = x'})).to.match(/characters AWS does not allow/)
    expect(unusablePortalPair({accountId: '111122223333', roleName: 'Admin #x'})).to.match(/characters AWS does not allow/)
  })
})
