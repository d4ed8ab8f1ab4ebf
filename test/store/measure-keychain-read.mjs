// Measures the keychain read on the credential-process hot path (not a test: mocha never loads .mjs).
//   npm run build && dbus-run-session -- sh -c \
//     'printf "\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && node test/store/measure-keychain-read.mjs 30'
// Interleaves, per round, fresh processes of: `node -e 0`; raw `await import('@napi-rs/keyring')` +
// one get; and keyless's own path (dist/store/open-store.js, openStore, one get). Prints medians.
import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const rounds = Number(process.argv[2] ?? 20)
const root = fileURLToPath(new URL('../..', import.meta.url))
const dist = process.env.KEYLESS_DIST ?? './dist' // the compiled src to measure
const service = `keyless-measure-${process.pid}`
const key = 'role/measure/123456789012/AdministratorAccess'
const value = JSON.stringify({AccessKeyId: `ASIA${'X'.repeat(16)}`, SecretAccessKey: 's'.repeat(40), SessionToken: 't'.repeat(900), Expiration: '2030-01-01T00:00:00Z'})

const programs = {
  'node -e 0': '',
  'import() + get': `
    const t0 = performance.now()
    const {AsyncEntry} = await import('@napi-rs/keyring')
    const v = await new AsyncEntry(${JSON.stringify(service)}, ${JSON.stringify(key)}, {linux: {store: 'secret-service'}}).getPassword()
    if (!v) throw new Error('miss')
    console.log(performance.now() - t0)`,
  'openStore + get': `
    const t0 = performance.now()
    const {openStore} = await import('${dist}/store/open-store.js')
    const {resolvePaths} = await import('${dist}/util/paths.js')
    const store = await openStore({...process.env, KEYLESS_KEYCHAIN_SERVICE: ${JSON.stringify(service)}}, resolvePaths(process.env))
    if (!(await store.get(${JSON.stringify(key)}))) throw new Error('miss')
    console.log(performance.now() - t0)`,
}

const run = (source) => {
  const started = process.hrtime.bigint()
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], {cwd: root, encoding: 'utf8'})
  return {wall: Number(process.hrtime.bigint() - started) / 1e6, inside: Number(out.trim()) || 0}
}

run(`const {AsyncEntry} = await import('@napi-rs/keyring'); await new AsyncEntry(${JSON.stringify(service)}, ${JSON.stringify(key)}, {linux: {store: 'secret-service'}}).setPassword(${JSON.stringify(value)})`)
const samples = Object.fromEntries(Object.keys(programs).map((name) => [name, []]))
for (let i = 0; i < rounds; i++) for (const [name, source] of Object.entries(programs)) samples[name].push(run(source))
run(`const {AsyncEntry} = await import('@napi-rs/keyring'); await new AsyncEntry(${JSON.stringify(service)}, ${JSON.stringify(key)}, {linux: {store: 'secret-service'}}).deleteCredential()`)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
console.log(`${rounds} rounds, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`)
console.log('program            process wall (median)   inside the process (median)')
for (const [name, list] of Object.entries(samples)) {
  const inside = name === 'node -e 0' ? '' : `${median(list.map((s) => s.inside)).toFixed(1)} ms`
  console.log(`${name.padEnd(18)} ${`${median(list.map((s) => s.wall)).toFixed(1)} ms`.padEnd(24)} ${inside}`)
}
