import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {expect} from 'chai'
import {CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand} from '@aws-sdk/client-sso-oidc'
import {startEmulator} from '../emulator/emulator.js'
import {grepTree} from './grep-tree.js'
import {createSandbox} from './sandbox.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

describe('createSandbox', () => {
  it('isolates HOME, XDG, AWS config paths and points endpoints at a fresh emulator', async () => {
    const sandbox = await createSandbox({config: '[profile x]\nregion = eu-west-1\n'})
    try {
      const {env, home} = sandbox
      expect(env.HOME).to.equal(home)
      for (const k of ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
        expect(env[k], k).to.be.a('string').and.satisfy((p: string) => p.startsWith(home + '/'))
      }
      expect(env.AWS_ENDPOINT_URL_SSO_OIDC).to.equal(sandbox.emulator.url)
      expect(env.AWS_ENDPOINT_URL_SSO).to.equal(sandbox.emulator.url)
      expect(env.AWS_ENDPOINT_URL_STS).to.equal(sandbox.emulator.url)
      expect(env).to.not.have.property('AWS_REGION')
      expect(env).to.not.have.property('AWS_PROFILE')
      expect(env.KEYLESS_STORE).to.equal('keychain')
      expect(env.KEYLESS_KEYCHAIN_SERVICE).to.match(/^keyless-test-[0-9a-f]{12}$/)
      expect(env.DBUS_SESSION_BUS_ADDRESS).to.equal(process.env.DBUS_SESSION_BUS_ADDRESS)
      expect(spawnSync('cat', [sandbox.configFile], {encoding: 'utf8'}).stdout).to.equal('[profile x]\nregion = eu-west-1\n')
      await sandbox.writeConfig('[default]\n')
      expect(spawnSync('cat', [sandbox.configFile], {encoding: 'utf8'}).stdout).to.equal('[default]\n')
    } finally {
      await sandbox.cleanup()
    }
    expect(existsSync(sandbox.home)).to.equal(false)
  })

  it('gives each keychain sandbox its own service and a file sandbox a passphrase', async () => {
    const emulator = await startEmulator()
    const a = await createSandbox({emulator})
    const b = await createSandbox({emulator, store: 'file'})
    try {
      const c = await createSandbox({emulator})
      expect(c.env.KEYLESS_KEYCHAIN_SERVICE).to.not.equal(a.env.KEYLESS_KEYCHAIN_SERVICE)
      await c.cleanup()
      expect(b.env.KEYLESS_STORE).to.equal('file')
      expect(b.env.KEYLESS_FILE_PASSPHRASE).to.be.a('string').with.length.greaterThan(10)
      expect(b.env).to.not.have.property('KEYLESS_KEYCHAIN_SERVICE')
    } finally {
      await a.cleanup()
      await b.cleanup()
    }
    // A passed-in emulator stays up after cleanup.
    const res = await fetch(`${emulator.url}/device?user_code=NONE-NONE`)
    expect(res.status).to.equal(404)
    await emulator.close()
  })

  it('has a fake browser that approves a device code and records the URL', async () => {
    const sandbox = await createSandbox()
    try {
      const {emulator} = sandbox
      const oidc = new SSOOIDCClient({region: emulator.org.region, endpoint: emulator.url})
      const reg = await oidc.send(new RegisterClientCommand({clientName: 'sandbox-test', clientType: 'public'}))
      const dev = await oidc.send(new StartDeviceAuthorizationCommand({clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: emulator.org.startUrl}))
      // Async: the emulator answers the script's curl from this very process.
      const status = await new Promise((resolve) => {
        spawn(sandbox.env.BROWSER as string, [dev.verificationUriComplete as string], {env: sandbox.env}).once('exit', resolve)
      })
      expect(status).to.equal(0)
      expect(sandbox.browserCalls()).to.deep.equal([dev.verificationUriComplete])
      expect(emulator.count('DeviceApproval')).to.equal(1)
      const token = await oidc.send(new CreateTokenCommand({clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode}))
      expect(token.accessToken).to.be.a('string')
    } finally {
      await sandbox.cleanup()
    }
  })

  it('runs the built CLI with the sandbox env and returns code, stdout and stderr', async () => {
    const sandbox = await createSandbox({emulator: false})
    try {
      expect(() => sandbox.emulator).to.throw(/emulator: false/)
      const help = await sandbox.run(['--help'])
      expect(help.code).to.equal(0)
      expect(help.stdout).to.match(/keyless/i)
      const unknown = await sandbox.run(['no-such-command-xyz'])
      expect(unknown.code).to.not.equal(0)
      const killed = await sandbox.run(['--help'], {env: {NODE_OPTIONS: '--import=data:text/javascript,setInterval(()=>{},1000)'}, timeoutMs: 1500})
      expect(killed.signal).to.equal('SIGKILL')
    } finally {
      await sandbox.cleanup()
    }
  })
})

describe('grepTree', () => {
  it('lists the files under a directory that contain any needle', async () => {
    const sandbox = await createSandbox({emulator: false})
    try {
      mkdirSync(join(sandbox.home, 'a', 'b'), {recursive: true})
      writeFileSync(join(sandbox.home, 'a', 'b', 'secret.json'), '{"token":"aoaSECRET1234"}')
      writeFileSync(join(sandbox.home, 'a', 'plain.txt'), 'nothing here')
      expect(grepTree(sandbox.home, ['aoaSECRET1234', 'other'])).to.deep.equal([join(sandbox.home, 'a', 'b', 'secret.json')])
      expect(grepTree(sandbox.home, ['not-present'])).to.deep.equal([])
      expect(grepTree(sandbox.home, [''])).to.deep.equal([])
    } finally {
      await sandbox.cleanup()
    }
  })
})
