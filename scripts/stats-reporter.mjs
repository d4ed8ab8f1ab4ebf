// mocha's spec reporter, plus mocha's own run statistics (runner.stats: passes, failures, pending,
// tests, duration; the titles of retried tests) written as JSON to the file given by `--reporter-option statsFile=PATH`.
// scripts/test.mjs adds these up across its mocha processes for the closing `tests: …` line.
// `--reporter-option color=1` colors the report without mocha's --color flag, which would also
// make every in-process library (oclif's messages…) print colors the real CLI would not.
import {writeFileSync} from 'node:fs'
import {relative} from 'node:path'
import Mocha from 'mocha'

export default class StatsReporter extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    if (options.reporterOption?.color === '1') Mocha.reporters.Base.useColors = true
    super(runner, options)
    const file = options.reporterOption?.statsFile
    // Time spent in each test file (its tests' durations), to start the slowest first next time.
    const files = {}
    runner.on('test end', (test) => {
      const path = test.file && relative(process.cwd(), test.file)
      if (path) files[path] = (files[path] ?? 0) + (test.duration ?? 0)
    })
    // A test retried (scripts/test.mjs retries e2e tests once) is said, with why it failed first.
    const retried = []
    runner.on('retry', (test, error) => {
      retried.push(test.fullTitle())
      Mocha.reporters.Base.consoleLog(`  retrying: ${test.fullTitle()} (${String(error?.message ?? error).split('\n')[0]})`)
    })
    if (file) runner.once('end', () => writeFileSync(file, JSON.stringify({...runner.stats, files, retried})))
  }
}
