// `npm run bench -- agent`: what the keyless agent saves the AWS tools, against baselines measured
// in the same run, interleaved, everything on 127.0.0.1:
//  - boto3 in one Python process, `Session().get_credentials().get_frozen_credentials()` repeated:
//    through the agent, through `credential_process = keyless credential-process`, and through
//    `credential_process = /bin/cat creds.json` (the floor of any process-based provider);
//  - the AWS SDK for JavaScript v3 the same way (fromHttp, the container provider, vs fromProcess);
//  - the AWS CLI end to end (`aws sts get-caller-identity` against the emulator) with the agent,
//    with credential-process, and with its own native SSO profile (its caches seeded);
//  - the agent under 200 concurrent requests: p50/p99 latency, errors, the agent's RSS.
// The credential resolutions run with the emulator stopped: nothing can touch a network.
// KEYLESS_BENCH_ROUNDS (default 30) sets the rounds; KEYLESS_BENCH_WAVES (default 10) the waves of 200.
import {execFileSync, spawn} from 'node:child_process'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {request} from 'node:http'
import {join} from 'node:path'
import {runStandalone} from './run-standalone.js'
import {startEmulator} from '../test/emulator/emulator.js'
import {LANDING_ZONE_ACCOUNT_IDS as ids} from '../test/emulator/organization.js'
import {CLI_ENTRY, REPO_ROOT, createSandbox, type Sandbox} from '../test/helpers/sandbox.js'
import {ssoSessionConfig} from '../test/helpers/sso-session-config.js'
import {seedAwsCliCache} from './credential-process.js'

const AWS = '/usr/bin/aws'
const PYTHON = '/usr/bin/python3'
const ROUNDS = Number(process.env.KEYLESS_BENCH_ROUNDS ?? 30)
const CLI_ROUNDS = Math.max(1, Math.round(ROUNDS / 3))
const WAVES = Number(process.env.KEYLESS_BENCH_WAVES ?? 10)
const CONCURRENCY = 200

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))]
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)]
const ms = (n: number) => n.toFixed(2).padStart(8)

function config(sb: Sandbox, catFile: string): string {
  const cp = `${process.execPath} ${CLI_ENTRY} credential-process --profile dev`
  return [
    ssoSessionConfig(sb.emulator),
    `[profile dev]\nkeyless_session = emulator\nkeyless_account_id = ${ids['workload-dev']}\nkeyless_role_name = ReadOnlyAccess\nregion = eu-west-1\n`,
    `[profile via-cp]\ncredential_process = ${cp}\nregion = eu-west-1\n`,
    `[profile via-cat]\ncredential_process = /bin/cat ${catFile}\nregion = eu-west-1\n`,
    // The AWS CLI's own SSO path for the same role (its caches are seeded below).
    `[profile native]\nsso_session = emulator\nsso_account_id = ${ids['workload-dev']}\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\n`,
  ].join('\n')
}

/** One GET on its own connection; the time and whether it succeeded. */
function timedGet(url: string, token: string): Promise<{ms: number; ok: boolean}> {
  const start = performance.now()
  return new Promise((resolve) => {
    const req = request(url, {agent: false, headers: {authorization: token}}, (res) => {
      res.resume()
      res.on('end', () => resolve({ms: performance.now() - start, ok: res.statusCode === 200}))
    })
    req.on('error', () => resolve({ms: performance.now() - start, ok: false}))
    req.end()
  })
}

function timedRun(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ms: number; code: number | null; stderr: string}> {
  const start = performance.now()
  return new Promise((resolve) => {
    const child = spawn(file, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('close', (code) => resolve({ms: performance.now() - start, code, stderr}))
  })
}

function table(title: string, samples: Record<string, number[]>, rows: Array<[label: string, key: string]>, floor: string, slow: string): string[] {
  const f = median(samples[floor])
  const s = median(samples[slow])
  return [
    title,
    `  ${'path'.padEnd(48)} ${'median'.padStart(8)} ${'p95'.padStart(8)}  ${'÷ floor'.padStart(8)}  ${'speed-up'.padStart(8)}`,
    ...rows.map(([label, key]) => {
      const m = median(samples[key])
      return `  ${label.padEnd(48)} ${ms(m)} ${ms(pct(samples[key], 0.95))}  ${`${(m / f).toFixed(2)}×`.padStart(8)}  ${`${(s / m).toFixed(1)}×`.padStart(8)}`
    }),
    `  (÷ floor: median / ${floor}; speed-up: ${slow} median / this median)`,
  ]
}

export async function run(): Promise<void> {
  const emulator = await startEmulator()
  const sb = await createSandbox({emulator})
  let emulatorOpen = true
  const runtime = join(sb.home, 'run')
  sb.env.XDG_RUNTIME_DIR = runtime
  try {
    await mkdir(runtime, {mode: 0o700})
    const catFile = join(sb.home, 'creds.json')
    await sb.writeConfig(config(sb, catFile))
    const login = await sb.run(['login', '--session', 'emulator'])
    if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`)
    const cp = await sb.run(['credential-process', '--profile', 'dev'])
    if (cp.code !== 0) throw new Error(cp.stderr)
    // The floor's file: the same credentials, in plaintext in this throwaway HOME only.
    await writeFile(catFile, cp.stdout, {mode: 0o600})
    await seedAwsCliCache(sb, JSON.parse(cp.stdout))

    const started = await sb.run(['agent', 'start', '--json', '--no-login'])
    if (started.code !== 0) throw new Error(started.stderr)
    const agentPid = (JSON.parse(started.stdout) as {pid: number}).pid
    try {
      const vars = JSON.parse((await sb.run(['agent', 'env', 'dev', '--json'])).stdout) as Record<string, string>
      const uri = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI
      const token = vars.AWS_CONTAINER_AUTHORIZATION_TOKEN
      if (!(await timedGet(uri, token)).ok) throw new Error('the agent does not serve dev')
      const base = {...sb.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: ''}
      const out: string[] = []

      // The AWS CLI end to end: it needs the emulator for the STS call itself.
      const cli: Record<string, NodeJS.ProcessEnv> = {
        agent: {...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: token, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1'},
        'credential-process': {...base, AWS_PROFILE: 'via-cp'},
        'native-sso': {...base, AWS_PROFILE: 'native'},
      }
      const cliSamples: Record<string, number[]> = Object.fromEntries(Object.keys(cli).map((k) => [k, []]))
      for (let round = 0; round < CLI_ROUNDS; round++) {
        for (const [name, env] of Object.entries(cli)) {
          // Asynchronous: the emulator answers from this process.
          const r = await timedRun(AWS, ['sts', 'get-caller-identity', '--endpoint-url', emulator.url], env)
          cliSamples[name].push(r.ms)
          if (r.code !== 0) throw new Error(`aws (${name}) failed: ${r.stderr}`)
        }
      }
      await emulator.close()
      emulatorOpen = false

      // boto3 and the JS SDK: credential resolution only, nothing can reach a network now.
      const botoEnv = {...base, BENCH_AGENT_URI: uri, BENCH_AGENT_TOKEN: token}
      const boto = JSON.parse(
        execFileSync(PYTHON, [join(REPO_ROOT, 'bench', 'fixtures', 'boto3-resolve.py'), String(ROUNDS), 'agent=', 'credential-process=via-cp', 'bin-cat=via-cat'], {env: botoEnv, encoding: 'utf8'}),
      ) as Record<string, number[]>
      const jsEnv = {...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: token}
      const js = JSON.parse(execFileSync(process.execPath, [join(REPO_ROOT, 'bench', 'fixtures', 'js-resolve.mjs'), String(ROUNDS)], {env: jsEnv, encoding: 'utf8', cwd: REPO_ROOT})) as Record<string, number[]>

      out.push(
        ...table(`boto3: Session().get_credentials().get_frozen_credentials(), ${ROUNDS} interleaved rounds, ms`, boto, [
          ['through the agent (container provider)', 'agent'],
          ['credential_process = keyless credential-process', 'credential-process'],
          ['credential_process = /bin/cat creds.json', 'bin-cat'],
        ], 'bin-cat', 'credential-process'),
        '',
        ...table(`AWS SDK for JavaScript v3: one provider call, ${ROUNDS} interleaved rounds, ms`, js, [
          ['fromHttp (container provider) → the agent', 'agent'],
          ['fromProcess → keyless credential-process', 'credential-process'],
          ['fromProcess → /bin/cat creds.json', 'bin-cat'],
        ], 'bin-cat', 'credential-process'),
        '',
        ...table(`AWS CLI end to end: aws sts get-caller-identity, ${CLI_ROUNDS} interleaved rounds, ms`, cliSamples, [
          ['through the agent', 'agent'],
          ['credential_process = keyless credential-process', 'credential-process'],
          ['its own SSO profile (caches seeded)', 'native-sso'],
        ], 'native-sso', 'credential-process'),
        '',
      )

      // Load: waves of 200 simultaneous requests, each on its own connection.
      const latencies: number[] = []
      let errors = 0
      const t0 = performance.now()
      for (let wave = 0; wave < WAVES; wave++) {
        const results = await Promise.all(Array.from({length: CONCURRENCY}, () => timedGet(uri, token)))
        for (const r of results) {
          latencies.push(r.ms)
          if (!r.ok) errors++
        }
      }
      const wall = (performance.now() - t0) / 1000
      const status = await readFile(`/proc/${agentPid}/status`, 'utf8').catch(() => '')
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN)
      out.push(
        `agent under load: ${WAVES} waves of ${CONCURRENCY} simultaneous requests (${latencies.length} in all)`,
        `  p50 ${median(latencies).toFixed(2)} ms   p99 ${pct(latencies, 0.99).toFixed(2)} ms   max ${Math.max(...latencies).toFixed(2)} ms   ` +
          `${Math.round(latencies.length / wall)} requests/s   errors ${errors}   RSS ${(kb('VmRSS') / 1024).toFixed(1)} MB (peak ${(kb('VmHWM') / 1024).toFixed(1)} MB)`,
        '',
        'goals: boto3 via the agent ≤ 1.5 × the /bin/cat floor and ≥ 10 × faster than credential-process; 0 errors; RSS < 80 MB',
      )
      process.stdout.write(`${out.join('\n')}\n`)
    } finally {
      await sb.run(['agent', 'stop'])
      try {
        process.kill(agentPid, 'SIGKILL')
      } catch {
        // stopped
      }
    }
  } finally {
    if (emulatorOpen) await emulator.close()
    await sb.cleanup()
  }
}

await runStandalone(import.meta.url, run)
