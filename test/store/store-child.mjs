// Child process for the store tests (run with `node --import tsx`; .mjs so mocha never loads it).
//   keychain OP [KEY [VALUE]]   openStore(process.env) (KEYLESS_STORE decides), then get/set/delete/list;
//                               KEYLESS_TEST_TIMEOUT_MS builds the keychain store directly with that bound
//   open OP [KEY [VALUE]]      like keychain, but openStore decides by itself whether it may prompt
//   file-writer PATH PASSPHRASE PREFIX COUNT START
//                               sleep until epoch ms START, then set PREFIX/0 … PREFIX/COUNT-1 one by one
// Prints one JSON line: {ok, value?, ms} or {ok: false, name, code, exit, line, ms}.
import {performance} from 'node:perf_hooks'
import {createFileStore} from '../../src/store/file-store.js'
import {createKeychainStore} from '../../src/store/keychain-store.js'
import {openStore} from '../../src/store/open-store.js'
import {resolvePaths} from '../../src/util/paths.js'

const [mode, ...args] = process.argv.slice(2)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function keychain(op, key, value, options = {interactive: false}) {
  const started = performance.now()
  try {
    const store = process.env.KEYLESS_TEST_TIMEOUT_MS
      ? createKeychainStore({
          service: process.env.KEYLESS_KEYCHAIN_SERVICE ?? 'keyless',
          dbusAddress: process.env.DBUS_SESSION_BUS_ADDRESS,
          timeoutMs: Number(process.env.KEYLESS_TEST_TIMEOUT_MS),
        })
      : await openStore(process.env, resolvePaths(process.env), options)
    const result = op === 'set' ? await store.set(key, value) : op === 'list' ? await store.list(key ?? '') : await store[op](key)
    return {ok: true, value: result ?? null, ms: performance.now() - started}
  } catch (error) {
    return {ok: false, name: error.name, code: error.code, exit: error.exit, line: error.line ?? error.message, ms: performance.now() - started}
  }
}

async function fileWriter(path, passphrase, prefix, count, start) {
  const store = createFileStore({path, passphrase})
  await sleep(Math.max(0, Number(start) - Date.now()))
  const started = performance.now()
  for (let i = 0; i < Number(count); i++) await store.set(`${prefix}/${i}`, `value-${prefix}-${i}`)
  return {ok: true, ms: performance.now() - started}
}

if (process.env.KEYLESS_STORE_CHILD === '1') {
  const result =
    mode === 'keychain' ? await keychain(...args) : mode === 'open' ? await keychain(args[0], args[1], args[2], {}) : await fileWriter(...args)
  process.stdout.write(`${JSON.stringify(result)}\n`)
  // A keychain call that timed out may still be running inside the binding: leave anyway.
  process.exit(0)
}
