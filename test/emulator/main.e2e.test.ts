import {spawn} from 'node:child_process'
import {connect} from 'node:net'
import {createInterface} from 'node:readline'
import {join} from 'node:path'
import {expect} from 'chai'
import {REPO_ROOT} from '../helpers/sandbox.js'

const MAIN = join(REPO_ROOT, 'test', 'emulator', 'main.ts')

function startMain(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']})
  const lines: string[] = []
  const reader = createInterface({input: child.stdout})
  const ready = new Promise<void>((resolve, reject) => {
    reader.on('line', (line) => {
      lines.push(line)
      if (line.startsWith('# accounts:')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
  })
  return {child, lines, ready}
}

describe('emulator: standalone (npm run emulator)', function () {
  this.timeout(30_000)

  it('prints KEYLESS_EMULATOR_URL first, then the export lines, serves, and stops on SIGTERM', async () => {
    const {child, lines, ready} = startMain(['--port', '0', '--accounts', '1500'])
    await ready
    const first = /^KEYLESS_EMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0])
    expect(first, lines[0]).to.not.equal(null)
    const url = first?.[1] as string
    for (const name of ['AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_STS']) {
      expect(lines).to.include(`export ${name}=${url}`)
    }
    expect(lines.join('\n')).to.match(/start URL: https:\/\/d-[0-9a-f]+\.awsapps\.com\/start/).and.contain('accounts:  1500')
    const register = await fetch(`${url}/client/register`, {method: 'POST', body: JSON.stringify({clientName: 'x', clientType: 'public'}), headers: {'content-type': 'application/json'}})
    expect(register.status).to.equal(200)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).to.equal(0)
  })

  it('refuses a bad flag with one line on stderr and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', 'abc'], {cwd: REPO_ROOT})
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).to.equal(2)
    expect(stderr.trim().split('\n')).to.have.length(1)
    expect(stderr).to.contain('--port')
  })

  it('`npm run emulator` frees its port when the started command gets SIGTERM (no orphaned child)', async () => {
    const npm = spawn('npm', ['run', '--silent', 'emulator', '--', '--port', '0'], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']})
    try {
      const reader = createInterface({input: npm.stdout})
      const url = await new Promise<string>((resolve, reject) => {
        reader.on('line', (line) => {
          const m = /^KEYLESS_EMULATOR_URL=(\S+)$/.exec(line)
          if (m) resolve(m[1])
        })
        npm.once('exit', (code) => reject(new Error(`npm exited with ${code}`)))
      })
      const port = Number(new URL(url).port)
      expect(await listening(port)).to.equal(true)
      const exited = new Promise((resolve) => npm.once('exit', resolve))
      npm.kill('SIGTERM')
      await exited
      // The port is free once nothing listens on it any more (give the process a moment to close).
      let free = false
      for (let i = 0; i < 50 && !free; i++) {
        free = !(await listening(port))
        if (!free) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(free, `port ${port} still accepts connections after SIGTERM to npm`).to.equal(true)
    } finally {
      npm.kill('SIGKILL')
    }
  })
})

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

