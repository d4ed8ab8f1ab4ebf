import {expect} from 'chai'
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

  it('on Windows: BROWSER split on ; (a drive letter has a colon), a .cmd or a command line run through cmd.exe', () => {
    expect(browserCommand(url, {env: {BROWSER: 'C:\\tools\\open.cmd;D:\\other.exe'}, platform: 'win32'})).to.deep.equal({
      file: 'cmd.exe',
      args: ['/d', '/s', '/c', `"C:\\tools\\open.cmd "${url}""`],
      shell: false,
    })
    expect(browserCommand(url, {env: {BROWSER: 'chrome --new-window %s', ComSpec: 'C:\\Windows\\system32\\cmd.exe'}, platform: 'win32'}).args[3]).to.equal(
      `"chrome --new-window "${url}""`,
    )
  })

  it('starts the browser and does not wait for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyless-browser-'))
    try {
      const script = join(dir, 'my browser')
      const log = join(dir, 'log')
      await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$1" > '${log}'\nsleep 0.2\n`)
      await chmod(script, 0o755)
      const started = Date.now()
      await openBrowser(url, {env: {...process.env, BROWSER: script}})
      expect(Date.now() - started).to.be.below(200)
      for (let i = 0; i < 50; i++) {
        const text = await readFile(log, 'utf8').catch(() => '')
        if (text) {
          expect(text).to.equal(`${url}\n`)
          return
        }
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error('the browser script did not run')
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('rejects when the opener cannot start', async () => {
    const error = await openBrowser(url, {env: {PATH: '/nonexistent'}, platform: 'linux'}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(Error)
  })
})
