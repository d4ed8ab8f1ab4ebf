// The SecretStore contract of the keychain store against this machine's real OS keychain, in plain
// JavaScript over the built dist/ (run `npm run build` first): `node scripts/keychain-check.mjs`.
// Run by scripts/windows-lane.sh with node.exe under wine (the Windows binding of @napi-rs/keyring
// against wine's Credential Manager: mocha and tsx's esbuild have no Windows build there), and by
// .github/workflows/ci.yml on macOS and Windows. On Windows the store chunks at the platform's
// 1,280 characters; elsewhere the check forces the same limit, so chunking is proven everywhere.
// One line per check on stdout (a file under wine: node.exe there cannot write to a pipe); exit 0
// only when every check passed. Items go under a random service name and are removed.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {createRequire} from 'node:module'

const root = new URL('../', import.meta.url)
const {createKeychainStore, keychainChunkChars} = await import(new URL('dist/store/keychain-store.js', root))
const {parseChunkHead} = await import(new URL('dist/store/chunked-store.js', root))
// The binding itself (NAPI_RS_NATIVE_LIBRARY_PATH points it at the Windows .node file).
const keyring = createRequire(new URL('package.json', root))('@napi-rs/keyring')

const windows = process.platform === 'win32'
const service = `keyless-check-${randomBytes(4).toString('hex')}`
// Windows: the platform default (1,280); elsewhere forced to the same, to prove chunking there too.
const open = (name = service) => createKeychainStore({service: name, ...(windows ? {} : {chunkChars: 1280})})
const store = open()
// Linux: pinned to the Secret Service, as the store does.
const entryOptions = process.platform === 'linux' ? {linux: {store: 'secret-service'}} : undefined
const raw = (account) => new keyring.Entry(service, account, entryOptions).getPassword() ?? undefined
const token = (n) => randomBytes(n).toString('base64').slice(0, n)
let failed = 0

async function check(name, run) {
  const started = Date.now()
  try {
    await run()
    console.log(`ok   ${name} (${Date.now() - started} ms)`)
  } catch (error) {
    failed++
    console.log(`FAIL ${name}: ${String(error?.message ?? error).split('\n').slice(0, 6).join(' | ')}`)
  } finally {
    for (const key of await store.list('').catch(() => [])) await store.delete(key).catch(() => {})
  }
}

console.log(`keychain-check: ${store.description}, node ${process.version} on ${process.platform}`)

if (windows) {
  await check('the store is Windows Credential Manager with a 1,280-character item limit', async () => {
    assert.equal(store.description, `Windows Credential Manager, service "${service}"`)
    assert.equal(keychainChunkChars(process.platform), 1280)
  })

  await check('the binding itself refuses 1,281 characters and stores 1,280 (the limit keyless chunks at)', async () => {
    const entry = new keyring.Entry(service, 'probe/limit')
    entry.setPassword('x'.repeat(1280))
    assert.equal(entry.getPassword()?.length, 1280)
    assert.throws(() => entry.setPassword('x'.repeat(1281)), /longer than the platform limit of 2560/)
    entry.deleteCredential()
  })
}

await check('a missing key reads undefined, and its delete is false', async () => {
  assert.equal(await store.get('token/never'), undefined)
  assert.equal(await store.delete('token/never'), false)
})

await check('stores, reads back (also through a second instance), overwrites', async () => {
  await store.set('token/dev', '{"accessToken":"a"}')
  assert.equal(await store.get('token/dev'), '{"accessToken":"a"}')
  assert.equal(await open().get('token/dev'), '{"accessToken":"a"}')
  await store.set('token/dev', 'two')
  assert.equal(await store.get('token/dev'), 'two')
})

await check('deletes: true once, then false, and gone', async () => {
  await store.set('registration/dev', 'r')
  assert.equal(await store.delete('registration/dev'), true)
  assert.equal(await store.get('registration/dev'), undefined)
  assert.equal(await store.delete('registration/dev'), false)
})

await check('lists keys by prefix, sorted, only this service', async () => {
  const other = open(`${service}-other`)
  await other.set('role/dev/333333333333/Other', 'not ours')
  await store.set('role/dev/222222222222/ReadOnly', 'v1')
  await store.set('role/dev/111111111111/Admin', 'v2')
  await store.set('role/devops/111111111111/Admin', 'v3')
  await store.set('token/dev', 'v4')
  try {
    assert.deepEqual(await store.list('role/dev/'), ['role/dev/111111111111/Admin', 'role/dev/222222222222/ReadOnly'])
    assert.equal((await store.list('role/')).length, 3)
    assert.deepEqual(await store.list('nothing/'), [])
    assert.deepEqual(await store.list(''), ['role/dev/111111111111/Admin', 'role/dev/222222222222/ReadOnly', 'role/devops/111111111111/Admin', 'token/dev'])
  } finally {
    await other.delete('role/dev/333333333333/Other')
  }
})

await check('keeps unicode keys and values intact', async () => {
  const key = 'role/séssion-日本/123456789012/Rôle✓'
  const value = 'pässwörd ✓ 日本語 🔑 "quotes" \\ backslash\nnew line'
  await store.set(key, value)
  assert.equal(await open().get(key), value)
  assert.deepEqual(await store.list('role/séssion-日本/'), [key])
})

await check('a realistic session token (1,300-character access and refresh tokens) is chunked under the limit and read back whole', async () => {
  const value = JSON.stringify({accessToken: token(1300), refreshToken: token(1300), expiresAt: '2026-12-01T15:00:00Z', region: 'eu-west-1'})
  await store.set('token/dev', value)
  assert.equal(await open().get('token/dev'), value)
  const head = parseChunkHead(raw('token/dev'))
  assert.ok(head, 'the item token/dev holds a chunk head')
  assert.equal(head.count, 3)
  for (let i = 1; i <= head.count; i++) assert.ok(raw(`token/dev#chunk-${head.version}-${i}`).length <= 1280)
  assert.deepEqual(await store.list(''), ['token/dev'])
  assert.equal(await store.delete('token/dev'), true)
  for (let i = 1; i <= head.count; i++) assert.equal(raw(`token/dev#chunk-${head.version}-${i}`), undefined)
})

await check('role credentials with a 2,000-character session token, and an 8 KiB value, round-trip', async () => {
  const role = JSON.stringify({accessKeyId: 'ASIA' + 'A'.repeat(16), secretAccessKey: token(40), sessionToken: token(2000), expiration: '2026-12-01T16:00:00Z'})
  const big = randomBytes(6144).toString('base64')
  await store.set('role/dev/111111111111/Admin', role)
  await store.set('token/big', big)
  assert.equal(await store.get('role/dev/111111111111/Admin'), role)
  assert.equal(await open().get('token/big'), big)
})

await check('a torn chunked value (a chunk deleted behind its back) reads as a miss', async () => {
  const value = token(3000)
  await store.set('token/torn', value)
  const head = parseChunkHead(raw('token/torn'))
  new keyring.Entry(service, `token/torn#chunk-${head.version}-2`, entryOptions).deleteCredential()
  assert.equal(await store.get('token/torn'), undefined)
})

console.log(failed === 0 ? 'keychain-check: all passed' : `keychain-check: ${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1
