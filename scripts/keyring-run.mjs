#!/usr/bin/env node
// `node scripts/keyring-run.mjs CMD ARGS…`: runs CMD with a real Secret Service available — the
// caller's own when a session bus exists, else a private gnome-keyring (see with-keyring.mjs).
import {spawn} from 'node:child_process'
import {needsPrivateKeyring, runWithPrivateKeyring} from './with-keyring.mjs'

const argv = process.argv.slice(2)
if (needsPrivateKeyring()) {
  runWithPrivateKeyring(argv)
} else {
  const child = spawn(argv[0], argv.slice(1), {stdio: 'inherit'})
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
