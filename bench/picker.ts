// Picker filtering speed: 20,000 account/role pairs, the time of each keystroke's search (the
// function the picker calls: fuzzy match, rank, format the visible lines), typed character by
// character for realistic queries. Goal: under 16 ms (one frame) per keystroke.
import {generatedOrganization} from '../test/emulator/organization.js'
import {createFuzzyIndex} from '../src/switch/fuzzy-index.js'
import {pickerSource} from '../src/switch/picker-source.js'
import {entryText, type SwitchEntry} from '../src/switch/switch-entries.js'

const queries = [
  'payments-prod',
  'checkout dev admin',
  'ledger-staging-42 read',
  'media sandbox view',
  'risk prod 1234 sec',
  'analytics-test-3',
  'plat dba',
  'AdministratorAccess',
  '10000',
  'zzz-no-match',
  'ident stag net',
  'mobile-prod-47 power',
]

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export async function run(): Promise<void> {
  const org = generatedOrganization(5000, 4)
  const entries: SwitchEntry[] = org.accounts.flatMap((a) =>
    (org.assignments[a.accountId] ?? []).map((roleName) => ({
      key: `${a.accountName}.${roleName}`,
      profile: `${a.accountName}.${roleName}`,
      session: 'corp',
      accountId: a.accountId,
      accountName: a.accountName,
      roleName,
      region: 'us-east-1',
      guarded: a.accountName.includes('prod'),
    })),
  )
  // A few recently used ones, as frecency ranks them.
  const rank = (e: SwitchEntry) => (e.accountName?.endsWith('-7') ? 8 : 0)
  let t = performance.now()
  const index = createFuzzyIndex(entries, {text: entryText, rank})
  const source = pickerSource(entries, index, {color: true, limit: 50})
  const buildMs = performance.now() - t

  // Warm-up (JIT), then measure: each query typed one character at a time, then erased.
  for (const q of queries.slice(0, 3)) for (let i = 1; i <= q.length; i++) source(q.slice(0, i))
  source('')
  const times: number[] = []
  let slowest = {ms: 0, query: ''}
  for (const q of queries) {
    const typed = [...Array.from({length: q.length}, (_, i) => q.slice(0, i + 1)), q.slice(0, -1), q.slice(0, -2), '']
    for (const query of typed) {
      t = performance.now()
      source(query)
      const ms = performance.now() - t
      times.push(ms)
      if (ms > slowest.ms) slowest = {ms, query}
    }
  }
  times.sort((a, b) => a - b)
  const median = percentile(times, 50)
  const p95 = percentile(times, 95)
  const rows = [
    ['pairs', String(entries.length)],
    ['index build (once, when the picker opens)', `${buildMs.toFixed(1)} ms`],
    ['keystrokes measured', String(times.length)],
    ['per keystroke: median', `${median.toFixed(2)} ms`],
    ['per keystroke: p95', `${p95.toFixed(2)} ms`],
    ['per keystroke: max', `${slowest.ms.toFixed(2)} ms ("${slowest.query}")`],
    ['goal', `< 16 ms per keystroke: ${p95 < 16 ? 'met' : 'NOT met'} at p95`],
  ]
  const width = Math.max(...rows.map((r) => r[0].length))
  process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
