// mocha's spec reporter, plus mocha's own run statistics (runner.stats: passes, failures, pending,
// tests, duration) written as JSON to the file given by `--reporter-option statsFile=PATH`.
// scripts/test.mjs adds these up across its mocha processes for the closing `tests: …` line.
// `--reporter-option color=1` colors the report without mocha's --color flag, which would also
// make every in-process library (oclif's messages…) print colors the real CLI would not.
import {writeFileSync} from 'node:fs'
import Mocha from 'mocha'

export default class StatsReporter extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    if (options.reporterOption?.color === '1') Mocha.reporters.Base.useColors = true
    super(runner, options)
    const file = options.reporterOption?.statsFile
    if (file) runner.once('end', () => writeFileSync(file, JSON.stringify(runner.stats)))
  }
}
