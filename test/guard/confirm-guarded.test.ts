import {expect} from 'chai'
import {confirmGuarded, guardBanner} from '../../src/guard/confirm-guarded.js'
import {guardProfile} from '../../src/guard/guard-profile.js'
import {KeylessError} from '../../src/errors.js'
import type {ResolvedProfile} from '../../src/config/profile-types.js'
import {rejection} from '../helpers/rejection.js'

const target = {profileName: 'payments-admin', accountName: 'payments-prod', accountId: '111122223333', roleName: 'AdministratorAccess'}

function output(isTTY = true) {
  let text = ''
  return {write: (t: string) => void (text += t), isTTY, get text() {
    return text
  }}
}

describe('guard/confirm-guarded', () => {
  it('on a terminal: shows account name, id and role, and asks to type the account name', async () => {
    const stderr = output()
    const asked: Array<[string, string]> = []
    await confirmGuarded(target, {stderr, isInteractive: true, env: {}, prompt: async (m, e) => (asked.push([m, e]), true)}, {yes: false})
    expect(stderr.text).to.include('!! PRODUCTION !!')
    expect(stderr.text).to.include('payments-prod')
    expect(stderr.text).to.include('111122223333')
    expect(stderr.text).to.include('AdministratorAccess')
    expect(stderr.text).to.include('\x1b[1;97;41m')
    expect(asked).to.deep.equal([['Type payments-prod to continue (anything else cancels):', 'payments-prod']])
  })

  it('NO_COLOR: the banner has no escape codes but keeps the text marker', () => {
    const plain = guardBanner(target, false)
    expect(plain).not.to.include('\x1b')
    expect(plain).to.include('!! PRODUCTION !!')
  })

  it('NO_COLOR in env turns color off even on a terminal', async () => {
    const stderr = output()
    await confirmGuarded(target, {stderr, isInteractive: true, env: {NO_COLOR: '1'}, prompt: async () => true}, {yes: false})
    expect(stderr.text).not.to.include('\x1b')
  })

  it('a wrong answer refuses with exit 130 and says nothing was done', async () => {
    const error = await rejection<KeylessError>(confirmGuarded(target, {stderr: output(), isInteractive: true, prompt: async () => false}, {yes: false}))
    expect(error.code).to.equal('NotConfirmed')
    expect(error.exit).to.equal(130)
    expect(error.line).to.match(/nothing was done/)
  })

  it('without a terminal: refused with exit 2 and a hint to pass --yes; never prompts', async () => {
    let prompted = false
    const error = await rejection<KeylessError>(
      confirmGuarded(target, {stderr: output(false), isInteractive: () => false, prompt: async () => (prompted = true)}, {yes: false, command: 'keyless exec'}),
    )
    expect(prompted).to.equal(false)
    expect(error.exit).to.equal(2)
    expect(error.code).to.equal('ConfirmationRequired')
    expect(error.line).to.equal('Account payments-prod (111122223333) is guarded (production) and there is no terminal to confirm on. Pass --yes to keyless exec if you mean it.')
  })

  it('--yes passes without asking, leaving one line on stderr', async () => {
    const stderr = output(false)
    await confirmGuarded(target, {stderr, isInteractive: false, prompt: async () => false}, {yes: true})
    expect(stderr.text.trim().split('\n')).to.have.length(1)
    expect(stderr.text).to.include('payments-prod')
  })

  it('guardProfile asks only for guarded profiles and returns KEYLESS_ENVIRONMENT', async () => {
    const session = {name: 'corp', startUrl: 'https://x', region: 'eu-west-1', scopes: []}
    const profile = (name: string, settings: Record<string, string> = {}): ResolvedProfile => ({kind: 'sso', name, settings, session, accountId: '111122223333', roleName: 'R'})
    let asked = 0
    const deps = {stderr: output(), isInteractive: true, prompt: async () => (asked++, true)}
    expect((await guardProfile(profile('dev'), {}, deps, {yes: false, command: 'keyless exec', account: undefined})).environment).to.equal(undefined)
    expect(asked).to.equal(0)
    const decision = await guardProfile(profile('core', {keyless_environment: 'prod', keyless_account_name: 'core'}), {}, deps, {yes: false, command: 'keyless exec', account: undefined})
    expect(asked).to.equal(1)
    expect(decision.environment).to.equal('prod')
    expect(decision.target.accountName).to.equal('core')
  })
})
