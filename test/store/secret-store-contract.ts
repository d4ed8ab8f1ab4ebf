// The behaviour every SecretStore backend shares, run against memory, keychain and file.
// (Loaded by mocha as a spec file too; it only defines a function, so that is harmless.)
import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import type {SecretStore} from '../../src/store/secret-store.js'

export interface ContractSubject {
  store: SecretStore
  /** A second instance over the same storage, to prove values are stored, not just held. */
  reopen: () => SecretStore
  cleanup?: () => Promise<void>
}

export function describeSecretStoreContract(kind: string, open: () => Promise<ContractSubject>): void {
  describe(`SecretStore contract: ${kind}`, function () {
    this.timeout(30_000)
    let subject: ContractSubject
    let store: SecretStore

    beforeEach(async () => {
      subject = await open()
      store = subject.store
    })
    afterEach(async () => subject.cleanup?.())

    it(`reports kind "${kind}" and a description`, () => {
      expect(store.kind).to.equal(kind)
      expect(store.description).to.be.a('string').and.not.equal('')
    })

    it('returns undefined for a missing key, and delete of it is false', async () => {
      expect(await store.get('token/never-written')).to.equal(undefined)
      expect(await store.delete('token/never-written')).to.equal(false)
    })

    it('stores and reads back a value, also through a second instance', async () => {
      await store.set('token/dev', '{"accessToken":"a"}')
      expect(await store.get('token/dev')).to.equal('{"accessToken":"a"}')
      expect(await subject.reopen().get('token/dev')).to.equal('{"accessToken":"a"}')
    })

    it('overwrites a value', async () => {
      await store.set('token/dev', 'one')
      await store.set('token/dev', 'two')
      expect(await store.get('token/dev')).to.equal('two')
      expect(await store.list('token/')).to.deep.equal(['token/dev'])
    })

    it('deletes a value: true once, then false, and it is gone', async () => {
      await store.set('registration/dev', 'r')
      expect(await store.delete('registration/dev')).to.equal(true)
      expect(await store.get('registration/dev')).to.equal(undefined)
      expect(await store.delete('registration/dev')).to.equal(false)
      expect(await subject.reopen().get('registration/dev')).to.equal(undefined)
    })

    it('lists keys (never values) by prefix, sorted, and nothing else', async () => {
      await store.set('role/dev/222222222222/ReadOnly', 'v1')
      await store.set('role/dev/111111111111/Admin', 'v2')
      await store.set('role/devops/111111111111/Admin', 'v3')
      await store.set('token/dev', 'v4')
      expect(await store.list('role/dev/')).to.deep.equal(['role/dev/111111111111/Admin', 'role/dev/222222222222/ReadOnly'])
      expect(await store.list('role/')).to.have.length(3)
      expect(await store.list('nothing/')).to.deep.equal([])
      expect(await store.list('')).to.include.members(['token/dev', 'role/devops/111111111111/Admin'])
    })

    it('keeps unicode keys and values intact', async () => {
      const key = 'role/séssion-日本/123456789012/Rôle✓'
      const value = 'pässwörd ✓ 日本語 🔑 \u0000-free "quotes" \\ backslash\nnew line'
      await store.set(key, value)
      expect(await store.get(key)).to.equal(value)
      expect(await subject.reopen().get(key)).to.equal(value)
      expect(await store.list('role/séssion-日本/')).to.deep.equal([key])
    })

    it('keeps a large value (an 8 KiB token) intact', async () => {
      const big = randomBytes(6144).toString('base64') // 8192 characters
      expect(big).to.have.length(8192)
      await store.set('token/big', big)
      expect(await store.get('token/big')).to.equal(big)
      expect(await subject.reopen().get('token/big')).to.equal(big)
    })

    it('keeps keys apart that differ only in case or a trailing character', async () => {
      await store.set('token/Dev', 'upper')
      await store.set('token/dev', 'lower')
      await store.set('token/dev2', 'two')
      expect(await store.get('token/Dev')).to.equal('upper')
      expect(await store.get('token/dev')).to.equal('lower')
      expect(await store.get('token/dev2')).to.equal('two')
    })
  })
}
