// Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring (a real
// Secret Service) in a throwaway HOME — when there is no session bus yet and the programs are
// installed. Used by `npm test` and `npm run demo`, so a developer gets the same run as CI.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0
const quote = (a) => `'${a.replaceAll("'", "'\\''")}'`

/** True when a private keyring can and should be started for this process. */
export function needsPrivateKeyring(env = process.env) {
  return !env.DBUS_SESSION_BUS_ADDRESS && !env.KEYLESS_PRIVATE_KEYRING && has('dbus-run-session') && has('gnome-keyring-daemon')
}

/**
 * Re-runs `argv` (an executable and its arguments) under the private keyring; exits with its code.
 *
 * The bus has no service activation, and the keyring runs under a loop that restarts it unlocked
 * (same HOME, same empty password) should it end. gnome-keyring 42 can abort on a known race when
 * a client disconnects while its request is still queued (GNOME gnome-keyring #190, #196, #199),
 * which many short-lived processes and kill -9 tests make likely; D-Bus activation would then start
 * a new daemon with the login keyring locked, and every later keyring call would wait for an
 * unlock prompt that never comes. Restarted, the run goes on with the same items.
 */
export function runWithPrivateKeyring(argv, {cwd} = {}) {
  const home = mkdtempSync(join(tmpdir(), 'keyless-keyring-home-'))
  const config = join(home, 'session-bus.conf')
  writeFileSync(config, privateBusConfig('unix:tmpdir=/tmp'))
  const env = {...process.env, KEYLESS_PRIVATE_KEYRING: '1', KEYLESS_TEST_KEYRING: 'gnome-keyring', KEYLESS_TEST_KEYRING_HOME: home, HOME: home}
  for (const k of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR']) delete env[k]
  const owned = 'dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"'
  const busUp = 'dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null 2>&1'
  // The newline on stdin is the (empty) password that creates and unlocks the login keyring.
  const inner = [
    // At most 20 restarts, a moment apart: a daemon that cannot start at all is not retried forever.
    `( n=0; while ${busUp} && [ $n -lt 20 ]; do`,
    `    printf '\n' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1`,
    `    n=$((n+1)); ${busUp} && echo 'tests: gnome-keyring-daemon ended; restarting it, unlocked' >&2; sleep 0.2`,
    '  done ) &',
    `i=0; until ${owned}; do i=$((i+1)); if [ $i -gt 200 ]; then echo 'tests: gnome-keyring did not start' >&2; exit 1; fi; sleep 0.05; done`,
    `exec ${argv.map(quote).join(' ')}`,
  ].join('\n')
  const child = spawn('dbus-run-session', [`--config-file=${config}`, '--', 'sh', '-c', inner], {cwd, env, stdio: 'inherit'})
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => {
    rmSync(home, {recursive: true, force: true})
    process.exit(code ?? (signal ? 1 : 0))
  })
}

/**
 * A private session bus's configuration, listening on `listen` (a D-Bus address such as
 * `unix:tmpdir=/tmp`), without service directories: nothing is started on demand, only what the
 * caller starts is on it. Also used by test/hot-path/dbus-fallback.e2e.test.ts.
 */
export function privateBusConfig(listen) {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>${listen}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`
}
