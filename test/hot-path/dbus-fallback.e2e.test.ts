import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {expect} from 'chai'
import {privateBusConfig} from '../../scripts/with-keyring.mjs'
import {createSandbox, type RunResult, type Sandbox} from '../helpers/sandbox.js'
import {profilesConfig} from '../credentials/profiles-config.js'

// issue #14 item 10: the credential-process hot path reads the Secret Service over D-Bus itself.
// When the session bus has no Secret Service, or the keyring does not answer within the deadline,
// it must fall back to the full path (whose message is one clear line, exit 5), never die with an
// unhandled promise rejection (a Node stack, exit 1). Real parts: a private dbus-daemon (with no
// service activation, so nothing can start a keyring on it), a real gnome-keyring stopped with
// SIGSTOP, and the built CLI as a subprocess.

async function startBus(dir: string): Promise<{address: string; daemon: ChildProcess}> {
  const config = join(dir, 'bus.conf')
  await writeFile(config, privateBusConfig(`unix:dir=${dir}`))
  const daemon = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address'], {stdio: ['ignore', 'pipe', 'ignore']})
  const address = await new Promise<string>((resolve, reject) => {
    daemon.once('error', reject)
    createInterface({input: daemon.stdout!}).once('line', resolve)
  })
  return {address, daemon}
}

/** One clear line from keyless on stderr, no Node stack, no output on stdout. */
function expectCleanStoreFailure(result: RunResult): void {
  expect(result.code, result.stderr).to.equal(5)
  expect(result.stdout).to.equal('')
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).to.have.length(1)
  expect(lines[0]).to.match(/^keyless: /)
  expect(result.stderr).to.not.match(/UnhandledPromiseRejection|\n\s+at |node:internal/)
}

describe('credential-process when the Secret Service is missing or frozen (built CLI)', function () {
  this.timeout(120_000)
  let sb: Sandbox
  let dir: string
  const children: ChildProcess[] = []

  before(async () => {
    sb = await createSandbox()
    await sb.writeConfig(profilesConfig(sb.emulator))
  })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-bus-'))
  })
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGCONT')
      child.kill('SIGKILL')
    }
    await rm(dir, {recursive: true, force: true})
  })
  after(async () => {
    await sb?.cleanup()
  })

  it('a session bus with no Secret Service: exit 5 with one line, every time', async () => {
    const {address, daemon} = await startBus(dir)
    children.push(daemon)
    // Before the fix every call died (the pipelined SearchItems rejected with nobody awaiting it).
    const results = await Promise.all(
      Array.from({length: 4}, () => sb.run(['credential-process', '--profile', 'dev'], {env: {DBUS_SESSION_BUS_ADDRESS: address}})),
    )
    for (const result of results) expectCleanStoreFailure(result)
    expect(results[0].stderr).to.match(/keychain|Secret Service|KEYLESS_STORE/i)
  })

  it('a keyring that stopped answering (SIGSTOP): past the deadline, exit 5 with one line', async () => {
    const {address, daemon} = await startBus(dir)
    children.push(daemon)
    const home = join(dir, 'home')
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: {PATH: process.env.PATH, HOME: home, DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: dir},
      stdio: ['pipe', 'ignore', 'ignore'],
    })
    children.push(keyring)
    keyring.stdin!.end('\n')
    // Wait until the keyring owns its name on the bus, then freeze it.
    const env = {DBUS_SESSION_BUS_ADDRESS: address}
    const started = Date.now()
    for (;;) {
      const probe = await sb.run(['credential-process', '--profile', 'dev'], {env, timeoutMs: 30_000})
      // With a live keyring the full path signs in (the sandbox's browser approves) and caches
      // the credentials in it: the keyring is up, and the next call would be a cache hit.
      if (probe.code === 0) break
      if (Date.now() - started > 20_000) throw new Error(`gnome-keyring did not come up: ${probe.code} ${probe.stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    keyring.kill('SIGSTOP')
    const results = await Promise.all(
      Array.from({length: 3}, () => sb.run(['credential-process', '--profile', 'dev'], {env, timeoutMs: 60_000})),
    )
    for (const result of results) expectCleanStoreFailure(result)
  })
})
