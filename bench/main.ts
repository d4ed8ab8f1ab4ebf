// `npm run bench`: every benchmark, each printing its own table with ratios against a baseline
// measured in the same run. Pass names to run a subset: `npm run bench -- picker`.
const suites: Record<string, () => Promise<{run: () => Promise<void>}>> = {
  'credential-process': () => import('./credential-process.js'),
  picker: () => import('./picker.js'),
  discovery: () => import('./discovery.js'),
  agent: () => import('./agent.js'),
  sync: () => import('./sync.js'),
}

const wanted = process.argv.slice(2)
for (const name of wanted) {
  if (!(name in suites)) {
    process.stderr.write(`bench: unknown suite "${name}" (have: ${Object.keys(suites).join(', ')})\n`)
    process.exit(2)
  }
}
for (const [name, load] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  process.stdout.write(`\n== ${name} ==\n`)
  const {run} = await load()
  await run()
}
