import {expect} from 'chai'
import {ids, profilesSandbox} from './profiles-config.js'
import type {Sandbox} from '../helpers/sandbox.js'

describe('a failed fetch is shared with the callers waiting for it (hardening #14 item 8; built CLI, emulator fault injector)', function () {
  this.timeout(300_000)
  let sb: Sandbox
  before(async () => {
    sb = await profilesSandbox()
  })
  after(async () => {
    sb.emulator.clearFaults()
    await sb?.cleanup()
  })

  it('10 callers on an always-429 API fail with the same error after about one retry sequence of requests, not ten', async () => {
    const alwaysThrottled = {failNext: 1_000_000, failStatus: 429}
    sb.emulator.setFault('GetRoleCredentials', alwaysThrottled)

    // One caller alone: the requests of one retry sequence.
    const alone = await sb.run(['credential-process', '--profile', 'test-power'])
    expect(alone.code).to.not.equal(0)
    const oneSequence = sb.emulator.count('GetRoleCredentials', `${ids['workload-test']}/PowerUserAccess`)
    expect(oneSequence).to.be.greaterThan(0)

    const key = `${ids['shared-services']}/PowerUserAccess`
    const results = await Promise.all(Array.from({length: 10}, () => sb.run(['credential-process', '--profile', 'shared-power'])))
    const requests = sb.emulator.count('GetRoleCredentials', key)
    for (const r of results) {
      expect(r.code, r.stderr).to.equal(alone.code)
      expect(r.stdout).to.equal('')
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('keyless:'))).to.have.length(1)
    }
    const shared = results.filter((r) => r.stderr.includes('(the fetch another keyless process just made)'))
    expect(shared.length, results.map((r) => r.stderr).join('')).to.be.greaterThan(0)
    // Without sharing: ten sequences (10 × oneSequence). With it: the holder's one sequence, plus at
    // most one more for a caller that came after a failure had expired from the record.
    expect(requests, `one sequence = ${oneSequence}`).to.be.at.most(2 * oneSequence)

    // A caller that comes later tries again (the shared failure is only for those who waited).
    sb.emulator.clearFaults()
    const later = await sb.run(['credential-process', '--profile', 'shared-power'])
    expect(later.code, later.stderr).to.equal(0)
  })
})
