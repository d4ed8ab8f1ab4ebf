// mocha's spec reporter, plus mocha's own run statistics (runner.stats: passes, failures, pending,
// tests, duration) written as JSON to the file given by `--reporter-option statsFile=PATH`.
// scripts/test.mjs adds these up across its mocha processes for the closing `tests: …` line.
import {writeFileSync} from 'node:fs'
import Mocha from 'mocha'

export default class StatsReporter extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options)
    const file = options.reporterOption?.statsFile
    if (file) runner.once('end', () => writeFileSync(file, JSON.stringify(runner.stats)))
  }
}
