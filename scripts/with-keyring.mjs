// Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring (a real
// Secret Service) in a throwaway HOME — when there is no session bus yet and the programs are
// installed. Used by `npm test` and `npm run demo`, so a developer gets the same run as CI.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0
const quote = (a) => `'${a.replaceAll("'", "'\\''")}'`

/** True when a private keyring can and should be started for this process. */
export function needsPrivateKeyring(env = process.env) {
  return !env.DBUS_SESSION_BUS_ADDRESS && !env.KEYLESS_PRIVATE_KEYRING && has('dbus-run-session') && has('gnome-keyring-daemon')
}

/** Re-runs `argv` (an executable and its arguments) under the private keyring; exits with its code. */
export function runWithPrivateKeyring(argv, {cwd} = {}) {
  const home = mkdtempSync(join(tmpdir(), 'keyless-keyring-home-'))
  const env = {...process.env, KEYLESS_PRIVATE_KEYRING: '1', KEYLESS_TEST_KEYRING: 'gnome-keyring', KEYLESS_TEST_KEYRING_HOME: home, HOME: home}
  for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR']) delete env[k]
  // The newline on stdin is the (empty) password that creates and unlocks the login keyring.
  const inner = `printf '\\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec ${argv.map(quote).join(' ')}`
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', inner], {cwd, env, stdio: 'inherit'})
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => {
    rmSync(home, {recursive: true, force: true})
    process.exit(code ?? (signal ? 1 : 0))
  })
}
