import {spawn} from 'node:child_process'
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
})
