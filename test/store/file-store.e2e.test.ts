import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {ExitCode, KeylessError} from '../../src/errors.js'
import {createFileStore} from '../../src/store/file-store.js'
import {describeSecretStoreContract} from './secret-store-contract.js'

const childScript = fileURLToPath(new URL('store-child.mjs', import.meta.url))
const passphrase = 'correct horse battery staple'

function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'keyless-file-store-'))
}

describeSecretStoreContract('file', async () => {
  const root = scratchDir()
  const path = join(root, 'data', 'keyless', 'secrets.enc')
  return {
    store: createFileStore({path, passphrase}),
    reopen: () => createFileStore({path, passphrase}),
    cleanup: async () => rmSync(root, {recursive: true, force: true}),
  }
})

/** Every way a string could show up in the file: as is, in base64 at each alignment, in hex. */
function encodings(text: string): string[] {
  const forms = [text, Buffer.from(text).toString('hex')]
  for (let shift = 0; shift < 3; shift++) forms.push(Buffer.from('x'.repeat(shift) + text).toString('base64').slice(4, -4))
  forms.push(Buffer.from(text).toString('base64url').slice(4, -4))
  return forms
}

async function expectError(promise: Promise<unknown>): Promise<KeylessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'expected a KeylessError').to.be.instanceOf(KeylessError)
  return error as KeylessError
}

describe('createFileStore', function () {
  this.timeout(60_000)
  let root: string
  let path: string

  beforeEach(() => {
    root = scratchDir()
    path = join(root, 'data', 'keyless', 'secrets.enc')
  })
  afterEach(() => rmSync(root, {recursive: true, force: true}))

  it('never holds a stored key or value in plaintext (nor base64 or hex of them)', async () => {
    const store = createFileStore({path, passphrase})
    const secrets = {
      'role/plaintext-probe/123456789012/AdministratorAccess': 'ASIAQUITEDISTINCTIVE1',
      'token/probe-session': 'aoaAAAAAGdistinctiveAccessTokenValue-9f8e7d6c5b4a',
      'registration/probe-session': '{"clientSecret":"eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0distinctive"}',
    }
    for (const [key, value] of Object.entries(secrets)) await store.set(key, value)
    const raw = readFileSync(path)
    const text = raw.toString('latin1')
    for (const [key, value] of Object.entries(secrets)) {
      for (const form of [...encodings(key), ...encodings(value)]) expect(text, form).to.not.include(form)
    }
    for (const word of ['plaintext-probe', 'distinctive', 'AdministratorAccess', 'clientSecret', 'role/', 'token/']) {
      expect(text).to.not.include(word)
    }
    // The file is what its header says, and still decrypts to everything.
    const file = JSON.parse(text) as Record<string, unknown>
    expect(Object.keys(file)).to.deep.equal(['format', 'version', 'kdf', 'cipher', 'iv', 'tag', 'data'])
    expect(file).to.include({format: 'keyless-secrets', version: 1, cipher: 'aes-256-gcm'})
    expect(file.kdf).to.deep.include({name: 'scrypt', N: 16384, r: 8, p: 1})
    const again = createFileStore({path, passphrase})
    for (const [key, value] of Object.entries(secrets)) expect(await again.get(key)).to.equal(value)
  })

  it('writes the file 0600 in a 0700 directory, and leaves no temp or lock files behind', async () => {
    const store = createFileStore({path, passphrase})
    await store.set('token/a', 'a')
    await store.set('token/b', 'b')
    await store.delete('token/a')
    expect(statSync(path).mode & 0o777).to.equal(0o600)
    expect(statSync(join(path, '..')).mode & 0o777).to.equal(0o700)
    expect(readdirSync(join(path, '..'))).to.deep.equal(['secrets.enc'])
  })

  it('encrypts every write afresh: a new IV and ciphertext even for the same content', async () => {
    const store = createFileStore({path, passphrase})
    await store.set('token/a', 'same')
    const first = JSON.parse(readFileSync(path, 'utf8')) as {iv: string; data: string; kdf: {salt: string}}
    await store.set('token/a', 'same')
    const second = JSON.parse(readFileSync(path, 'utf8')) as {iv: string; data: string; kdf: {salt: string}}
    expect(second.iv).to.not.equal(first.iv)
    expect(second.data).to.not.equal(first.data)
    expect(second.kdf.salt).to.equal(first.kdf.salt)
  })

  it('refuses a wrong passphrase in one clear line, and changes nothing', async () => {
    await createFileStore({path, passphrase}).set('token/a', 'kept')
    const before = readFileSync(path)
    const wrong = createFileStore({path, passphrase: 'not the passphrase'})
    for (const attempt of [wrong.get('token/a'), wrong.list(''), wrong.set('token/b', 'x'), wrong.delete('token/a')]) {
      const error = await expectError(attempt)
      expect(error.line).to.match(/^Cannot decrypt the secret file .*secrets\.enc: wrong KEYLESS_FILE_PASSPHRASE, or the file was modified\./)
      expect(error.line).to.not.include('\n')
      expect(error.exit).to.equal(ExitCode.storeUnavailable)
    }
    expect(readFileSync(path).equals(before)).to.equal(true)
    expect(await createFileStore({path, passphrase}).get('token/a')).to.equal('kept')
  })

  it('detects a changed byte anywhere that matters: ciphertext, tag, IV, salt or a KDF parameter', async () => {
    await createFileStore({path, passphrase}).set('token/a', 'v')
    const original = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & {kdf: Record<string, unknown>}
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64')
      bytes[bytes.length >> 1] ^= 0x01
      return bytes.toString('base64')
    }
    const tampered: Array<[string, unknown]> = [
      ['data', {...original, data: flip(original.data as string)}],
      ['tag', {...original, tag: flip(original.tag as string)}],
      ['iv', {...original, iv: flip(original.iv as string)}],
      ['salt', {...original, kdf: {...original.kdf, salt: flip(original.kdf.salt as string)}}],
      ['N', {...original, kdf: {...original.kdf, N: 8192}}],
    ]
    for (const [what, file] of tampered) {
      writeFileSync(path, JSON.stringify(file))
      const error = await expectError(createFileStore({path, passphrase}).get('token/a'))
      expect(error.line, what).to.match(/Cannot decrypt the secret file .*or the file was modified/)
    }
  })

  it('names the problem when the file is not a keyless file, or from a newer keyless', async () => {
    const cases: Array<[string, RegExp]> = [
      ['not json at all', /is not a keyless secret file \(not JSON\)/],
      ['{"format":"something-else"}', /is not a keyless secret file\./],
      ['{"format":"keyless-secrets","version":2}', /has format version 2, which this keyless cannot read\. Upgrade keyless\./],
      ['{"format":"keyless-secrets","version":1,"kdf":{"name":"scrypt"}}', /is damaged/],
    ]
    for (const [content, expected] of cases) {
      rmSync(join(path, '..'), {recursive: true, force: true})
      await createFileStore({path, passphrase}).set('token/x', 'x')
      writeFileSync(path, content)
      const error = await expectError(createFileStore({path, passphrase}).set('token/y', 'y'))
      expect(error.line).to.match(expected)
      if (!content.includes('"version":2')) {
        // A damaged file names itself and the way out (hardening #14).
        expect(error.line).to.include(`Move it aside (mv ${path} ${path}.damaged) and run \`keyless login\` again`)
        expect(error.exit).to.equal(5)
      }
      expect(readFileSync(path, 'utf8'), 'a failed write must not replace the file').to.equal(content)
    }
  })

  it('does not create the file for reads or for deleting a missing key', async () => {
    const store = createFileStore({path, passphrase})
    expect(await store.get('token/a')).to.equal(undefined)
    expect(await store.list('')).to.deep.equal([])
    expect(await store.delete('token/a')).to.equal(false)
    expect(() => statSync(path)).to.throw()
  })

  it('loses no update when many writes in one process overlap', async () => {
    const store = createFileStore({path, passphrase})
    await Promise.all(Array.from({length: 20}, (_, i) => store.set(`role/s/${i}/R`, `v${i}`)))
    expect(await store.list('role/s/')).to.have.length(20)
  })

  it('loses no update when two processes write different keys at the same moment, many times', async () => {
    const perProcess = 40
    const start = Date.now() + 3_000 // both children are loaded and have derived the key by then
    const run = (prefix: string) =>
      new Promise<{code: number | null; out: string; err: string}>((resolve) => {
        const proc = spawn(process.execPath, ['--import', 'tsx', childScript, 'file-writer', path, passphrase, prefix, String(perProcess), String(start)], {
          env: {...process.env, KEYLESS_STORE_CHILD: '1'},
        })
        let out = ''
        let err = ''
        proc.stdout.on('data', (d) => (out += d))
        proc.stderr.on('data', (d) => (err += d))
        proc.on('exit', (code) => resolve({code, out, err}))
      })
    const results = await Promise.all([run('role/alpha'), run('role/beta')])
    for (const r of results) {
      expect(r.code, r.err).to.equal(0)
      expect(JSON.parse(r.out)).to.include({ok: true})
    }
    const store = createFileStore({path, passphrase})
    const keys = await store.list('role/')
    expect(keys).to.have.length(2 * perProcess)
    for (let i = 0; i < perProcess; i++) {
      expect(await store.get(`role/alpha/${i}`)).to.equal(`value-role/alpha-${i}`)
      expect(await store.get(`role/beta/${i}`)).to.equal(`value-role/beta-${i}`)
    }
  })
})
