#!/usr/bin/env node
// `npm test`: build, then run every test under a real Secret Service.
// When no D-Bus session bus exists and dbus-run-session + gnome-keyring-daemon are installed, this
// re-runs itself inside a private session bus with a fresh, unlocked gnome-keyring in a throwaway
// HOME, so a developer gets the same run as CI. Extra arguments go to mocha (e.g. a spec path).
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0

if (!process.env.KEYLESS_TEST_INNER) {
  if (!process.env.KEYLESS_SKIP_BUILD) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], {cwd: root, stdio: 'inherit'})
    if (build.status !== 0) process.exit(build.status ?? 1)
  }
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && has('dbus-run-session') && has('gnome-keyring-daemon')) {
    const home = mkdtempSync(join(tmpdir(), 'keyless-test-home-'))
    const env = {...process.env, KEYLESS_TEST_INNER: '1', KEYLESS_TEST_KEYRING: 'gnome-keyring', HOME: home}
    for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR']) delete env[k]
    const quoted = [process.execPath, fileURLToPath(import.meta.url), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
    const inner = `printf '\\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec ${quoted}`
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', inner], {cwd: root, env, stdio: 'inherit'})
    child.on('exit', (code, signal) => {
      rmSync(home, {recursive: true, force: true})
      process.exit(code ?? (signal ? 1 : 0))
    })
    process.on('SIGINT', () => child.kill('SIGINT'))
  } else {
    runMocha()
  }
} else {
  runMocha()
}

function runMocha() {
  const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')
  const child = spawn(process.execPath, [mocha, '--color', ...args], {cwd: root, stdio: ['inherit', 'pipe', 'inherit']})
  let tail = ''
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk)
    tail = (tail + chunk.toString()).slice(-4000)
  })
  child.on('exit', (code) => {
    // eslint-disable-next-line no-control-regex
    const plain = tail.replace(/\x1b\[[0-9;]*m/g, '')
    const count = (word) => Number(plain.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0)
    const passed = count('passing')
    const failed = count('failing')
    const pending = count('pending')
    console.log(`\ntests: ${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`)
    process.exit(code ?? 1)
  })
}
