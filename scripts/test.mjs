#!/usr/bin/env node
// `npm test`: both layers; `npm run test:unit` / `npm run test:e2e`: one of them.
//   node scripts/test.mjs [--layer unit|e2e] [--jobs N] [FILE|FOLDER…] [mocha options…]
// The layer of a test is its file name: `*.e2e.test.ts` runs the built CLI, a real keyring,
// shells, tmux or the AWS CLI (e2e); every other `*.test.ts` is in-process (unit).
// test/layers.test.ts holds that rule. The e2e layer builds first (KEYLESS_SKIP_BUILD=1 skips it)
// and runs under a private gnome-keyring when there is no session bus (scripts/with-keyring.mjs).
// Unit tests run without a session bus, in one mocha process beside the e2e layer (alone, in
// KEYLESS_TEST_JOBS workers). The e2e files run in mocha's parallel mode, KEYLESS_TEST_JOBS
// (default: one per core, at least 2) workers, longest first (durations of the last run);
// `*.serial.e2e.test.ts` files run alone at the end; a failing e2e test is retried once. Each
// mocha process has its own HOME and keychain service. The closing line
// `tests: N passed, N failed[, N skipped]` adds up mocha's own run stats (scripts/stats-reporter.mjs).
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {availableParallelism, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {needsPrivateKeyring, runWithPrivateKeyring} from './with-keyring.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const mochaBin = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')
const durationsFile = join(root, 'node_modules', '.cache', 'keyless-tests', 'durations.json')

/** Which layer a test file belongs to, from its name alone. */
const layerOf = (file) => (file.endsWith('.e2e.test.ts') ? 'e2e' : 'unit')
const isSerial = (file) => file.endsWith('.serial.e2e.test.ts')

const {layer, jobs, paths, mochaArgs} = parseArgs(process.argv.slice(2))
const files = testFiles(paths).filter((f) => !layer || layerOf(f) === layer)
if (files.length === 0) {
  console.error(`tests: no ${layer ?? ''} test files in ${paths.join(' ')}`.replace('  ', ' '))
  process.exit(2)
}
const e2e = files.filter((f) => layerOf(f) === 'e2e')

if (e2e.length > 0 && !process.env.KEYLESS_SKIP_BUILD && !process.env.KEYLESS_PRIVATE_KEYRING) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], {cwd: root, stdio: 'inherit'})
  if (build.status !== 0) process.exit(build.status ?? 1)
}
if (e2e.length > 0 && needsPrivateKeyring()) {
  runWithPrivateKeyring([process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {cwd: root})
} else {
  await main()
}

function parseArgs(argv) {
  const out = {layer: undefined, jobs: Number(process.env.KEYLESS_TEST_JOBS) || Math.max(2, availableParallelism()), paths: [], mochaArgs: []}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--layer') out.layer = argv[++i]
    else if (a.startsWith('--layer=')) out.layer = a.slice('--layer='.length)
    else if (a === '--jobs') out.jobs = Number(argv[++i])
    else if (a.startsWith('--jobs=')) out.jobs = Number(a.slice('--jobs='.length))
    else if (!a.startsWith('-') && existsSync(join(root, a))) out.paths.push(a.replace(/\/$/, ''))
    else if (!a.startsWith('-') && (a.includes('/') || a.endsWith('.ts'))) fail(`no such test file or folder: ${a}`)
    else out.mochaArgs.push(a)
  }
  if (out.layer && !['unit', 'e2e'].includes(out.layer)) fail(`--layer is unit or e2e, not ${out.layer}`)
  if (!(out.jobs >= 1)) fail('--jobs (KEYLESS_TEST_JOBS) is a number >= 1')
  if (out.paths.length === 0) out.paths.push('test')
  return out
}

function fail(message) {
  console.error(`tests: ${message}`)
  process.exit(2)
}

/** Every *.test.ts under the given files and folders, relative to the root, sorted, once each. */
function testFiles(list) {
  const found = new Set()
  const walk = (path) => {
    if (statSync(join(root, path)).isDirectory()) {
      for (const entry of readdirSync(join(root, path)).sort()) walk(`${path}/${entry}`)
    } else if (path.endsWith('.test.ts')) {
      found.add(path)
    }
  }
  for (const p of list) walk(p)
  return [...found]
}

async function main() {
  const started = Date.now()
  const keyring = process.env.KEYLESS_TEST_KEYRING ? ', private gnome-keyring' : ''
  const unit = files.filter((f) => layerOf(f) === 'unit')
  const known = readDurations()
  // Longest first, so the slowest file does not start last; a file never timed counts as long.
  const expected = (f) => known[f] ?? 1e9 + statSync(join(root, f)).size
  const parallel = e2e.filter((f) => !isSerial(f)).sort((a, b) => expected(b) - expected(a))
  const serial = e2e.filter(isSerial).sort()
  const width = Math.min(jobs, parallel.length)
  // Alone, the unit layer spreads over the workers too (its files wait on sockets and child
  // processes as much as they compute); beside the e2e layer it keeps to one process.
  const unitWidth = e2e.length > 0 ? 1 : Math.min(jobs, unit.length)
  // The unit layer (one process) runs beside mocha's pool of `width` workers for the e2e files
  // (each worker loads tsx once and takes the next file); the serial files run after both, alone.
  const first = [
    ...(unit.length > 0 ? [{name: `unit (${unit.length} files${unitWidth > 1 ? `, ${unitWidth} at a time` : ''})`, files: unit, layer: 'unit', width: unitWidth}] : []),
    ...(parallel.length > 0 ? [{name: `e2e (${parallel.length} files, ${width} at a time)`, files: parallel, layer: 'e2e', width}] : []),
  ]
  const last = serial.length > 0 ? [{name: `e2e alone (${serial.length} files)`, files: serial, layer: 'e2e', width: 1}] : []
  console.log(`tests: node ${process.version}${keyring}; ${unit.length} unit, ${e2e.length} e2e files` +
    (e2e.length > 1 ? `; e2e ${width} at a time${serial.length ? `, then ${serial.length} alone` : ''}` : ''))

  const stream = first.length + last.length === 1
  const children = new Set()
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {
    for (const child of children) child.kill(sig)
    process.exit(130)
  })
  const results = await Promise.all(first.map((job) => runJob(job, {stream, children})))
  for (const job of last) results.push(await runJob(job, {stream, children}))

  const sum = (k) => results.reduce((n, r) => n + (r.stats?.[k] ?? 0), 0)
  const crashed = results.filter((r) => !r.stats || (r.code !== 0 && r.stats.failures === 0))
  for (const r of crashed) console.log(`tests: ${r.job.name} ended with ${r.code === null ? r.signal : `exit ${r.code}`} without a failing test: counted as 1 failed`)
  const failed = sum('failures') + crashed.length
  const pending = sum('pending')
  writeDurations(known, results)
  console.log(`tests: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  // The closing line CI reads, whatever the runner: mocha's own counts, added up.
  const retried = results.flatMap((r) => r.stats?.retried ?? [])
  if (retried.length > 0) console.log(`tests: retried once: ${retried.join('; ')}`)
  console.log(`tests: ${sum('passes')} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}${retried.length ? ` (${retried.length} after a retry)` : ''}`)
  process.exit(failed > 0 ? 1 : 0)
}

/** Runs one mocha process over `job.files` (with --parallel when job.width > 1), with its own HOME; resolves with mocha's stats. */
function runJob(job, {stream, children}) {
  const home = mkdtempSync(join(tmpdir(), 'keyless-test-home-'))
  const statsFile = join(home, 'mocha-stats.json')
  // XDG dirs default to ones under this HOME (as in scripts/with-keyring.mjs), so a test that sets
  // its own HOME gets its own XDG dirs too. mocha's parallel workers share it; every sandbox makes
  // its own HOME and keychain service (test/helpers/sandbox.ts).
  const env = {...process.env, HOME: home, USERPROFILE: home}
  for (const k of ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR']) delete env[k]
  // Anything that opens the keychain from process.env gets a service of its own, never "keyless".
  env.KEYLESS_KEYCHAIN_SERVICE = `keyless-test-${randomBytes(4).toString('hex')}`
  // Unit tests are in-process: no Secret Service for them (one that needs it is an e2e test).
  if (job.layer === 'unit') delete env.DBUS_SESSION_BUS_ADDRESS
  const pool = job.width > 1 ? ['--parallel', '--jobs', String(job.width)] : []
  // An e2e test that fails is run once more before it counts: these run real daemons (gnome-keyring
  // aborts now and then on a known upstream race, see with-keyring.mjs), tmux and many processes on
  // few cores. A test that fails twice fails the run; the report names every retry, and so does
  // the closing summary.
  if (job.layer === 'e2e') pool.push('--retries', '1')
  const args = [mochaBin, ...pool, '--reporter', join(root, 'scripts', 'stats-reporter.mjs'), '--reporter-option', `statsFile=${statsFile}`, '--reporter-option', 'color=1', ...mochaArgs, ...job.files]
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {cwd: root, env, stdio: ['ignore', stream ? 'inherit' : 'pipe', stream ? 'inherit' : 'pipe']})
    children.add(child)
    let output = ''
    child.stdout?.on('data', (d) => (output += d))
    child.stderr?.on('data', (d) => (output += d))
    child.on('close', (code, signal) => {
      children.delete(child)
      const seconds = (Date.now() - started) / 1000
      let stats
      try {
        stats = JSON.parse(readFileSync(statsFile, 'utf8'))
      } catch {
        stats = undefined
      }
      rmSync(home, {recursive: true, force: true})
      if (!stream) process.stdout.write(`\n── ${job.name} (${seconds.toFixed(1)} s)\n${output}`)
      resolve({job, code, signal, stats, seconds})
    })
  })
}

function readDurations() {
  try {
    return JSON.parse(readFileSync(durationsFile, 'utf8'))
  } catch {
    return {}
  }
}

function writeDurations(known, results) {
  const next = {...known}
  for (const r of results) if (r.job.layer === 'e2e') Object.assign(next, r.stats?.files)
  try {
    mkdirSync(dirname(durationsFile), {recursive: true})
    writeFileSync(durationsFile, JSON.stringify(next, null, 1))
  } catch {
    // a read-only checkout: the next run orders by file size instead
  }
}
