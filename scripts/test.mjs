#!/usr/bin/env node
// `npm test`: build, then run every test (mocha) against a real Secret Service. Extra arguments
// go to mocha, e.g. `npm test -- test/store`. KEYLESS_SKIP_BUILD=1 skips the build.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, statSync} from 'node:fs'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {needsPrivateKeyring, runWithPrivateKeyring} from './with-keyring.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)

if (!process.env.KEYLESS_SKIP_BUILD && !process.env.KEYLESS_PRIVATE_KEYRING) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], {cwd: root, stdio: 'inherit'})
  if (build.status !== 0) process.exit(build.status ?? 1)
}

if (needsPrivateKeyring()) {
  runWithPrivateKeyring([process.execPath, fileURLToPath(import.meta.url), ...args], {cwd: root})
} else {
  runMocha()
}

function runMocha() {
  console.log(`tests: node ${process.version}${process.env.KEYLESS_TEST_KEYRING ? ', private gnome-keyring' : ''}`)
  const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')
  // A folder argument means the tests in it (not every .ts file); no path means all tests.
  const specs = args.filter((a) => !a.startsWith('-'))
  const mochaArgs = args.map((a) => (specs.includes(a) && existsSync(a) && statSync(a).isDirectory() ? `${a.replace(/\/$/, '')}/**/*.test.ts` : a))
  if (specs.length === 0) mochaArgs.push('test/**/*.test.ts')
  const child = spawn(process.execPath, [mocha, '--color', ...mochaArgs], {cwd: root, stdio: ['inherit', 'pipe', 'inherit']})
  let tail = ''
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk)
    tail = (tail + chunk.toString()).slice(-4000)
  })
  child.on('exit', (code) => {
    // eslint-disable-next-line no-control-regex
    const plain = tail.replace(/\x1b\[[0-9;]*m/g, '')
    const count = (word) => Number(plain.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0)
    const pending = count('pending')
    // A closing line CI can read whatever the runner: "N passed, N failed".
    console.log(`\ntests: ${count('passing')} passed, ${count('failing')} failed${pending ? `, ${pending} skipped` : ''}`)
    process.exit(code ?? 1)
  })
}
