// Child process for the kill -9 test (run with `node --import tsx`; .mjs so that mocha never loads it
// as a spec): writes big files to argv[2] in a loop until it is killed, alternating two contents.
// Mode "atomic" uses writeFileAtomic, mode "naive" fs.writeFile (the control).
import {writeFile} from 'node:fs/promises'
import {writeFileAtomic} from '../../src/util/write-file-atomic.js'

const [target, mode, sizeArg] = process.argv.slice(2)
const size = Number(sizeArg)
const contents = ['A', 'B'].map((c) => `# ${c}\n${`${c.repeat(99)}\n`.repeat(size / 100)}# end ${c}\n`)

async function main() {
  let i = 0
  let announced = false
  for (;;) {
    const text = contents[i++ % 2]
    if (mode === 'atomic') await writeFileAtomic(target, text, {backup: true})
    else await writeFile(target, text)
    if (!announced) {
      process.stdout.write('ready\n')
      announced = true
    }
  }
}

if (process.env.KEYLESS_ATOMIC_CHILD === '1') await main()
