import {expect} from 'chai'
import {existsSync} from 'node:fs'
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {detectWsl} from '../../src/ui/detect-wsl.js'
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

  describe('WSL', () => {
    const proc = (text: string | undefined) => (path: string) => (path === '/proc/version' ? text : undefined)

    it('is detected from /proc/version (WSL 2 and WSL 1 kernels) or WSL_DISTRO_NAME, on Linux only', () => {
      expect(detectWsl({}, proc('Linux version 5.15.153.1-microsoft-standard-WSL2 (root@65c7) (gcc 11.2.0) #1 SMP'), 'linux')).to.equal(true)
      expect(detectWsl({}, proc('Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0) #1237'), 'linux')).to.equal(true)
      expect(detectWsl({WSL_DISTRO_NAME: 'Debian'}, proc(undefined), 'linux')).to.equal(true)
      expect(detectWsl({}, proc('Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 12.2.0)'), 'linux')).to.equal(false)
      expect(detectWsl({}, proc(undefined), 'linux')).to.equal(false)
      expect(detectWsl({WSL_DISTRO_NAME: 'Debian'}, proc('microsoft'), 'darwin')).to.equal(false)
    })

    it('opens with wslview, else cmd.exe, else powershell.exe found on PATH; the URL rides in KEYLESS_OPEN_URL for the last two', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'keyless-wsl-'))
      try {
        const env = {PATH: `${dir}:/nonexistent`, WSLENV: ''}
        expect(browserCommand(url, {env, platform: 'linux', wsl: true})).to.deep.equal({file: 'xdg-open', args: [url]})
        for (const name of ['powershell.exe', 'cmd.exe', 'wslview']) {
          await writeFile(join(dir, name), '#!/bin/sh\n')
          await chmod(join(dir, name), 0o755)
          const command = browserCommand(url, {env, platform: 'linux', wsl: true})
          expect(command.file).to.equal(join(dir, name))
          if (name === 'powershell.exe') {
            expect(command.args).to.deep.equal(['-NoProfile', '-NonInteractive', '-Command', 'Start-Process $env:KEYLESS_OPEN_URL'])
            expect(command.env).to.deep.equal({KEYLESS_OPEN_URL: url, WSLENV: 'KEYLESS_OPEN_URL/u'})
          } else if (name === 'cmd.exe') {
            expect(command.args).to.deep.equal(['/d', '/c', 'start', '%KEYLESS_OPEN_URL%'])
            expect(command.env).to.deep.equal({KEYLESS_OPEN_URL: 'https://device.example/?user_code=AB^&x=1', WSLENV: 'KEYLESS_OPEN_URL/u'})
          } else {
            expect(command).to.deep.equal({file: join(dir, name), args: [url]})
          }
          if (name !== 'wslview') expect(command.args.join(' ')).not.to.include('device.example')
        }
        // BROWSER still wins, also under WSL; not under WSL the Linux opener is used.
        expect(browserCommand(url, {env: {...env, BROWSER: '/bin/true'}, platform: 'linux', wsl: true})).to.deep.equal({file: '/bin/true', args: [url]})
        expect(browserCommand(url, {env, platform: 'linux'})).to.deep.equal({file: 'xdg-open', args: [url]})
      } finally {
        await rm(dir, {recursive: true, force: true})
      }
    })
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
