// `tsx bench/sync.ts` (or `npm run bench -- sync`): how fast `keyless sync` writes a large
// organization's profiles into the AWS config (hardening #14 measured 10,200 profiles in 1.7 s).
// 3,400 accounts × 3 roles; the account list is cached first (`keyless list`), so each run is
// building the managed block and writing the file. Rows, each the median of interleaved rounds:
//  - `keyless --version`: the floor of any oclif command (start-up), the baseline of the ratios;
//  - `keyless sync` into a config without the profiles (every profile written);
//  - `keyless sync` again (nothing to change: read, compare, no write).
import {spawn} from 'node:child_process'
import {readFile, writeFile} from 'node:fs/promises'
import {runStandalone} from './run-standalone.js'
import {generatedOrganization} from '../test/emulator/organization.js'
import {CLI_ENTRY} from '../test/helpers/sandbox.js'
import {signedInSandbox} from '../test/switch/signed-in-sandbox.js'

const ACCOUNTS = Number(process.env.BENCH_SYNC_ACCOUNTS ?? 3400)
const ROLES = 3
const ROUNDS = Number(process.env.KEYLESS_BENCH_ROUNDS ?? 7)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

export async function run(): Promise<void> {
  const t = await signedInSandbox({org: generatedOrganization(ACCOUNTS, ROLES)})
  try {
    const env = {...t.sb.env, ...t.env}
    // Asynchronous: the emulator answers from this process.
    const once = async (args: string[]) => {
      const started = process.hrtime.bigint()
      const child = spawn(process.execPath, [CLI_ENTRY, ...args], {env, cwd: t.sb.home, stdio: ['ignore', 'ignore', 'pipe']})
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0) throw new Error(`keyless ${args.join(' ')} failed (${code}): ${stderr}`)
      return elapsed
    }
    const listed = await once(['list', '--json'])
    const base = await readFile(t.sb.configFile, 'utf8')
    const times = {version: [] as number[], fresh: [] as number[], again: [] as number[]}
    let profiles = 0
    for (let i = 0; i < ROUNDS; i++) {
      times.version.push(await once(['--version']))
      await writeFile(t.sb.configFile, base)
      times.fresh.push(await once(['sync', '--session', 'corp']))
      times.again.push(await once(['sync', '--session', 'corp']))
      profiles = ((await readFile(t.sb.configFile, 'utf8')).match(/^\[profile /gm) ?? []).length
    }
    if (profiles !== ACCOUNTS * ROLES) throw new Error(`sync wrote ${profiles} profiles, expected ${ACCOUNTS * ROLES}`)
    const floor = median(times.version)
    const rows: Array<[string, number]> = [
      ['keyless --version (start-up floor)', floor],
      [`keyless sync: ${profiles} profiles written`, median(times.fresh)],
      ['keyless sync again: no change', median(times.again)],
    ]
    process.stdout.write(`organization: ${ACCOUNTS} accounts × ${ROLES} roles; account list cached (first list: ${(listed / 1000).toFixed(1)} s); median of ${ROUNDS} rounds\n`)
    process.stdout.write(`${'case'.padEnd(44)} ${'median ms'.padStart(10)} ${'× floor'.padStart(8)}\n`)
    for (const [label, ms] of rows) process.stdout.write(`${label.padEnd(44)} ${ms.toFixed(0).padStart(10)} ${(ms / floor).toFixed(2).padStart(8)}\n`)
    const writing = median(times.fresh) - floor
    process.stdout.write(`sync beyond start-up: ${(writing / 1000).toFixed(2)} s for ${profiles} profiles (${Math.round(profiles / (writing / 1000))} profiles/s)\n`)
  } finally {
    await t.cleanup()
  }
}

await runStandalone(import.meta.url, run)
