import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {browserCommand, openBrowser} from '../../src/ui/open-browser.js'

describe('ui/open-browser', () => {
  const url = 'https://device.example/?user_code=AB&x=1'

  it('uses the platform opener without BROWSER', () => {
    expect(browserCommand(url, {env: {}, platform: 'linux'})).to.deep.equal({file: 'xdg-open', args: [url]})
    expect(browserCommand(url, {env: {}, platform: 'darwin'})).to.deep.equal({file: 'open', args: [url]})
    expect(browserCommand(url, {env: {}, platform: 'win32'}).file).to.equal('cmd')
  })

  it('runs $BROWSER as a command with the URL as its argument (also with arguments or %s)', () => {
    expect(browserCommand(url, {env: {BROWSER: 'firefox --new-window'}, platform: 'linux'})).to.deep.equal({
      file: '/bin/sh',
      args: ['-c', 'firefox --new-window "$1"', 'keyless-browser', url],
    })
    expect(browserCommand(url, {env: {BROWSER: 'lynx %s'}, platform: 'linux'}).args[1]).to.equal('lynx "$1"')
  })

  it('starts the browser and does not wait for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyless-browser-'))
    try {
      const script = join(dir, 'my browser')
      const log = join(dir, 'log')
      const release = join(dir, 'release')
      const done = join(dir, 'done')
      // A browser that keeps running until the test releases it (or 60 s pass).
      await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$1" > '${log}'\ni=0\nwhile [ ! -e '${release}' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\ntouch '${done}'\n`)
      await chmod(script, 0o755)
      await openBrowser(url, {env: {...process.env, BROWSER: script}})
      // Resolved while the browser still runs: it was started, not waited for.
      expect(existsSync(done)).to.equal(false)
      expect(await eventually(() => readFile(log, 'utf8').catch(() => ''))).to.equal(`${url}\n`)
      await writeFile(release, '')
      expect(await eventually(async () => existsSync(done))).to.equal(true)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('rejects when the opener cannot start', async () => {
    const error = await openBrowser(url, {env: {PATH: '/nonexistent'}, platform: 'linux'}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(Error)
  })
})

/** The first truthy value `read` gives, polling (what a test waits for, not how long it takes). */
async function eventually<T>(read: () => Promise<T>): Promise<T> {
  for (;;) {
    const value = await read()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
