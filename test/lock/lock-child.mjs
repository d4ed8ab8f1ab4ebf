// Child process for the lock tests (run with `node --import tsx`; .mjs so mocha never loads it).
//   hold  DIR NAME           take the lock, print "locked", then wait until killed
//   count DIR NAME N FILE    N times: under the lock, read a counter from FILE, pause, write it + 1;
//                            a marker file made with O_EXCL proves nobody else is inside at once
//   wait  DIR NAME START     sleep until epoch ms START, then take the lock once (as `count` with N=1)
import {open, readFile, rm, writeFile} from 'node:fs/promises'
import {withLock} from '../../src/lock/with-lock.js'

const [mode, dir, name, ...rest] = process.argv.slice(2)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function critical(file) {
  const marker = await open(`${file}.inside`, 'wx') // throws EEXIST if two holders overlap
  try {
    const n = Number(await readFile(file, 'utf8').catch(() => '0'))
    await sleep(2)
    await writeFile(file, String(n + 1))
  } finally {
    await marker.close()
    await rm(`${file}.inside`)
  }
}

if (process.env.KEYLESS_LOCK_CHILD === '1') {
  if (mode === 'hold') {
    await withLock(name, async () => {
      process.stdout.write('locked\n')
      await new Promise(() => setInterval(() => {}, 1000))
    }, {dir})
  } else if (mode === 'count') {
    const [n, file] = rest
    for (let i = 0; i < Number(n); i++) await withLock(name, () => critical(file), {dir, timeoutMs: 60_000})
  } else if (mode === 'wait') {
    const [start, file] = rest
    await sleep(Math.max(0, Number(start) - Date.now()))
    await withLock(name, () => critical(file), {dir, timeoutMs: 60_000})
  }
}
