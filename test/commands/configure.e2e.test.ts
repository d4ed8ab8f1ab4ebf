import {expect} from 'chai'
import {readdirSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {withConfigLock} from '../../src/config/config-lock.js'
import {loadAwsConfig} from '../../src/config/load-aws-config.js'
import {listSsoSessions} from '../../src/config/sso-sessions.js'
import {resolvePaths} from '../../src/util/paths.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'

const CONFIG = '# hand-written\n[profile dev]\nregion = eu-west-1\n'
const startUrl = (name: string) => `https://${name}.awsapps.com/start`

describe('keyless configure: concurrent writers (built CLI)', function () {
  this.timeout(120_000)
  let sb: Sandbox
  afterEach(() => sb?.cleanup())

  it('processes configuring different sessions at the same time all keep their section', async () => {
    sb = await createSandbox({emulator: false, config: CONFIG})
    const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']
    const runs = await Promise.all(names.map((name) => sb.run(['configure', '--session', name, '--start-url', startUrl(name), '--region', 'eu-west-1', '--json'])))
    for (const r of runs) expect(r.code, r.stderr).to.equal(0)
    const text = await readFile(sb.configFile, 'utf8')
    expect(text.startsWith(CONFIG)).to.equal(true)
    const sessions = listSsoSessions(await loadAwsConfig({configFile: sb.configFile, credentialsFile: sb.credentialsFile}))
    expect(sessions.map((s) => [s.name, s.startUrl]).sort()).to.deep.equal(names.map((n) => [n, startUrl(n)]))
    expect(readdirSync(resolvePaths(sb.env).lockDir)).to.deep.equal([])
  })

  it('waits for the config lock that sync and audit --fix take, then writes on top of their edit', async () => {
    sb = await createSandbox({emulator: false, config: CONFIG})
    const paths = resolvePaths(sb.env)
    let configure: ReturnType<Sandbox['run']> | undefined
    await withConfigLock(paths, async () => {
      configure = sb.run(['configure', '--session', 'late', '--start-url', startUrl('late'), '--region', 'eu-west-1'])
      await new Promise((resolve) => setTimeout(resolve, 2500))
      // Still waiting: the file is as the lock holder left it.
      expect(await readFile(sb.configFile, 'utf8')).to.equal(CONFIG)
      await sb.writeConfig(`${CONFIG}\n[profile from-sync]\nregion = us-east-1\n`)
    })
    const r = await configure!
    expect(r.code, r.stderr).to.equal(0)
    const config = await loadAwsConfig({configFile: sb.configFile, credentialsFile: sb.credentialsFile})
    expect(Object.keys(config.profiles)).to.include.members(['dev', 'from-sync'])
    expect(listSsoSessions(config).map((s) => s.name)).to.deep.equal(['late'])
  })

  it('rejects --session __proto__ (and constructor) in one line, exit 2, file unchanged (hardening #14)', async () => {
    sb = await createSandbox({emulator: false, config: CONFIG})
    for (const name of ['__proto__', 'constructor']) {
      const r = await sb.run(['configure', '--session', name, '--start-url', startUrl('x'), '--region', 'eu-west-1'])
      expect(r.code, r.stderr).to.equal(2)
      expect(r.stderr).to.equal(`keyless: Invalid sso-session name "${name}": it is reserved. Choose another name, such as corp.\n`)
    }
    expect(await readFile(sb.configFile, 'utf8')).to.equal(CONFIG)
  })
})
