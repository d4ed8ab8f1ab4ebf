// `tsx bench/credential-process.ts` (or `npm run bench -- credential-process`): how fast keyless
// serves credentials to the AWS tools.
//  - warm: a cache hit, median and p95 of interleaved rounds against `node -e 0` (the floor of any
//    Node CLI) measured in the same run, the ratio; the same call through oclif (no fast path); the
//    AWS CLI serving the same role from its own caches (`aws configure export-credentials`). The
//    emulator is stopped first, so neither side can touch the network.
//  - cold: 20 and 50 simultaneous calls with nothing cached: wall time and how many
//    GetRoleCredentials / AssumeRole calls reached the service.
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {runStandalone} from './run-standalone.js'
import {startEmulator} from '../test/emulator/emulator.js'
import {DEV_DEPLOYER_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS as ids} from '../test/emulator/organization.js'
import {CLI_ENTRY, REPO_ROOT, createSandbox, type Sandbox} from '../test/helpers/sandbox.js'
import {ssoSessionConfig} from '../test/helpers/sso-session-config.js'

const AWS = '/usr/bin/aws'
const ROUNDS = Number(process.env.KEYLESS_BENCH_ROUNDS ?? 30)
const OCLIF_ONLY = join(REPO_ROOT, 'bench', 'fixtures', 'oclif-only.mjs')

interface Case {
  label: string
  file: string
  args: string[]
  env?: NodeJS.ProcessEnv
}

interface Stats {
  median: number
  p95: number
  min: number
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
function stats(xs: number[]): Stats {
  const s = sorted(xs)
  return {median: s[Math.floor((s.length - 1) / 2)], p95: s[Math.ceil(0.95 * s.length) - 1], min: s[0]}
}
const ms = (n: number) => n.toFixed(1).padStart(7)

function profiles(sb: Sandbox): string {
  const keyless = (name: string, account: string, role: string) =>
    `[profile ${name}]\nkeyless_session = emulator\nkeyless_account_id = ${account}\nkeyless_role_name = ${role}\nregion = eu-west-1\n`
  return [
    ssoSessionConfig(sb.emulator),
    // A native SSO profile: keyless serves it, and the AWS CLI serves it from its own caches.
    `[profile native]\nsso_session = emulator\nsso_account_id = ${ids['workload-dev']}\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\n`,
    `[profile chain]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\nsource_profile = native\n`,
    keyless('cold-20', ids.security, 'AdministratorAccess'),
    keyless('cold-50', ids.network, 'AdministratorAccess'),
    keyless('cold-chain-src', ids['shared-services'], 'AdministratorAccess'),
    `[profile cold-chain-20]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\nsource_profile = cold-chain-src\nrole_session_name = bench\n`,
  ].join('\n')
}

/** Pre-places the AWS CLI's own SSO token and role-credential caches (botocore's file names). */
export async function seedAwsCliCache(sb: Sandbox, credentials: {AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string}) {
  const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')
  const tokenDir = join(sb.home, '.aws', 'sso', 'cache')
  const credsDir = join(sb.home, '.aws', 'cli', 'cache')
  await mkdir(tokenDir, {recursive: true})
  await mkdir(credsDir, {recursive: true})
  // SSOTokenLoader: sha1 of the sso-session name.
  await writeFile(join(tokenDir, `${sha1('emulator')}.json`), JSON.stringify({
    startUrl: sb.emulator.org.startUrl,
    region: sb.emulator.org.region,
    accessToken: 'bench-token-not-used',
    expiresAt: new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }))
  // SSOCredentialFetcher._create_cache_key: sha1 of the sorted, minified JSON of its arguments.
  const key = JSON.stringify({accountId: ids['workload-dev'], roleName: 'ReadOnlyAccess', sessionName: 'emulator'})
  await writeFile(join(credsDir, `${sha1(key)}.json`), JSON.stringify({
    ProviderType: 'sso',
    Credentials: {
      AccessKeyId: credentials.AccessKeyId,
      SecretAccessKey: credentials.SecretAccessKey,
      SessionToken: credentials.SessionToken,
      Expiration: credentials.Expiration.replace(/\.\d{3}Z$/, 'Z'),
    },
  }))
}

function runOnce(c: Case, env: NodeJS.ProcessEnv): {ms: number; stdout: string} {
  const start = process.hrtime.bigint()
  const r = spawnSync(c.file, c.args, {env: {...env, ...c.env}, encoding: 'utf8'})
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0) throw new Error(`${c.label} failed (${r.status}): ${r.stderr}`)
  return {ms: elapsed, stdout: r.stdout}
}

/** Starts `count` credential-process calls at once; resolves when all have exited. */
async function burst(sb: Sandbox, profile: string, count: number): Promise<{wallMs: number; distinctKeys: number; failures: number}> {
  const start = process.hrtime.bigint()
  const results = await Promise.all(Array.from({length: count}, () => new Promise<{code: number | null; stdout: string}>((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, 'credential-process', '--profile', profile], {env: sb.env, stdio: ['ignore', 'pipe', 'ignore']})
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.once('close', (code) => resolve({code, stdout}))
  })))
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  const ok = results.filter((r) => r.code === 0)
  return {wallMs, distinctKeys: new Set(ok.map((r) => JSON.parse(r.stdout).AccessKeyId)).size, failures: results.length - ok.length}
}

export async function run(): Promise<void> {
  const emulator = await startEmulator()
  const sb = await createSandbox({emulator})
  let emulatorOpen = true
  try {
    await sb.writeConfig(profiles(sb))
    const login = await sb.run(['login', '--session', 'emulator'])
    if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`)

    // Cold: nothing cached for these roles; every process starts at once.
    const cold: string[] = []
    const single = process.hrtime.bigint()
    const first = await sb.run(['credential-process', '--profile', 'native'])
    const singleMs = Number(process.hrtime.bigint() - single) / 1e6
    if (first.code !== 0) throw new Error(first.stderr)
    cold.push(row('1 call (login done, role not cached)', singleMs, emulator.count('GetRoleCredentials', `${ids['workload-dev']}/ReadOnlyAccess`), 'GetRoleCredentials', 1, 0))
    for (const [profile, n, account] of [['cold-20', 20, ids.security], ['cold-50', 50, ids.network]] as const) {
      const r = await burst(sb, profile, n)
      cold.push(row(`${n} simultaneous calls, SSO role`, r.wallMs, emulator.count('GetRoleCredentials', `${account}/AdministratorAccess`), 'GetRoleCredentials', r.distinctKeys, r.failures))
    }
    const chained = await burst(sb, 'cold-chain-20', 20)
    cold.push(row('20 simultaneous calls, role chain', chained.wallMs, emulator.count('AssumeRole', DEV_DEPLOYER_ROLE_ARN), 'AssumeRole', chained.distinctKeys, chained.failures))

    // Warm: the caches are filled, then the emulator is stopped: nothing may touch the network.
    const chainWarm = await sb.run(['credential-process', '--profile', 'chain'])
    if (chainWarm.code !== 0) throw new Error(chainWarm.stderr)
    const served = JSON.parse(first.stdout)
    await seedAwsCliCache(sb, served)
    await emulator.close()
    emulatorOpen = false

    const env = {...sb.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: ''}
    const cases: Case[] = [
      {label: 'node -e 0', file: process.execPath, args: ['-e', '0']},
      {label: 'keyless credential-process (SSO role)', file: process.execPath, args: [CLI_ENTRY, 'credential-process', '--profile', 'native']},
      {label: 'keyless credential-process (role chain)', file: process.execPath, args: [CLI_ENTRY, 'credential-process', '--profile', 'chain']},
      {label: 'keyless through oclif (no fast path)', file: process.execPath, args: [OCLIF_ONLY, 'credential-process', '--profile', 'native']},
      {label: 'aws configure export-credentials', file: AWS, args: ['configure', 'export-credentials', '--profile', 'native']},
    ]
    // Same credentials from every side, with the emulator gone.
    for (const c of cases.slice(1)) {
      const out = JSON.parse(runOnce(c, env).stdout)
      if (c.label.includes('chain')) continue
      if (out.AccessKeyId !== served.AccessKeyId) throw new Error(`${c.label} served ${out.AccessKeyId}, expected ${served.AccessKeyId}`)
    }
    const samples = new Map(cases.map((c) => [c.label, [] as number[]]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) samples.get(c.label)!.push(runOnce(c, env).ms)
    }
    const base = stats(samples.get('node -e 0')!)
    const lines = [
      `warm: cache hit, ${ROUNDS} interleaved rounds, emulator stopped (no network), milliseconds per process`,
      `  ${'command'.padEnd(42)} ${'median'.padStart(7)} ${'p95'.padStart(7)} ${'min'.padStart(7)}  median / node -e 0`,
      ...cases.map((c) => {
        const s = stats(samples.get(c.label)!)
        return `  ${c.label.padEnd(42)} ${ms(s.median)} ${ms(s.p95)} ${ms(s.min)}  ${(s.median / base.median).toFixed(2)}×`
      }),
      '',
      'cold: nothing cached (signed in), all processes started at once',
      `  ${'run'.padEnd(42)} ${'wall ms'.padStart(8)}  service calls  distinct credentials  failures`,
      ...cold,
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  } finally {
    if (emulatorOpen) await emulator.close()
    await sb.cleanup()
  }
}

function row(label: string, wall: number, calls: number, op: string, distinct: number, failures: number): string {
  return `  ${label.padEnd(42)} ${wall.toFixed(0).padStart(8)}  ${`${calls} ${op}`.padEnd(13)}  ${String(distinct).padStart(19)}  ${String(failures).padStart(8)}`
}

await runStandalone(import.meta.url, run)
