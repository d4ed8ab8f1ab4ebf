import {expect} from 'chai'
import {lstat, mkdir, readFile, readlink, rm, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {orgPairs, signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

// Hardening #14, "what held up": a config that is a live symlink (dotfiles), starts with a UTF-8 BOM,
// uses CRLF and has duplicate sections is edited by sync and configure without touching one byte of
// what the user wrote; the link stays a link. (The AWS CLI itself refuses a BOM and duplicate
// sections — "Unable to parse config file" — so the file is read back with keyless, like the JS SDK.)

describe('a dotfiles config: live symlink, BOM, CRLF, duplicate sections — kept byte for byte (built CLI, emulator)', function () {
  this.timeout(120_000)
  let t: SignedIn
  let target: string
  let original: string

  before(async () => {
    t = await signedInSandbox()
    const session = (await readFile(t.sb.configFile, 'utf8')).replaceAll('\n', '\r\n')
    original =
      '\uFEFF# managed by my dotfiles\r\n[default]\r\nregion = eu-north-1 ; trailing comment\r\n\r\n' +
      '[profile twice]\r\nregion = us-east-1\r\n\r\n[profile twice]\r\nregion = us-west-2\r\noutput = json\r\n\r\n' +
      `${session}\r\n[profile hand]\r\nregion = ap-south-1\r\n`
    target = join(t.sb.home, 'dotfiles', 'aws-config')
    await mkdir(join(t.sb.home, 'dotfiles'))
    await writeFile(target, original)
    await rm(t.sb.configFile)
    await symlink('../dotfiles/aws-config', t.sb.configFile)
  })
  after(() => t?.cleanup())

  const isLink = async () => (await lstat(t.sb.configFile)).isSymbolicLink() && (await readlink(t.sb.configFile)) === '../dotfiles/aws-config'

  it('sync writes through the link; what the user wrote stays byte for byte (BOM, CRLF, both duplicates, comments)', async () => {
    const r = await t.sb.run(['sync', '--session', 'corp'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    expect(await isLink()).to.equal(true)
    const text = await readFile(target, 'utf8')
    expect(text.startsWith(original)).to.equal(true)
    // The added lines follow the file's line ending.
    expect(text.slice(original.length).replaceAll('\r\n', '')).not.to.include('\n')
    expect(text.match(/^\[profile [^\]]+\]\r$/gm)?.length).to.equal(3 + orgPairs(t.emulator.org).length)
  })

  it('configure adds a session through the link, and a second sync changes nothing', async () => {
    const before = await readFile(target, 'utf8')
    const r = await t.sb.run(['configure', '--session', 'other', '--start-url', 'https://other.awsapps.com/start', '--region', 'eu-west-1'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    expect(await isLink()).to.equal(true)
    const after = await readFile(target, 'utf8')
    expect(after.startsWith(original)).to.equal(true)
    expect(after).to.include('[sso-session other]\r\n')
    expect(after.length).to.be.greaterThan(before.length)
    const again = await t.sb.run(['sync', '--session', 'corp', '--json'], {env: t.env})
    expect(again.code, again.stderr).to.equal(0)
    expect(JSON.parse(again.stdout)).to.include({changed: false})
    expect(await readFile(target, 'utf8')).to.equal(after)
  })

  it('a synced profile works through the link (credential-process, as the AWS tools call it)', async () => {
    const r = await t.sb.run(['credential-process', '--profile', 'workload-dev.ReadOnlyAccess'], {env: t.env})
    expect(r.code, r.stderr).to.equal(0)
    expect(JSON.parse(r.stdout)).to.include({Version: 1})
    expect(await isLink()).to.equal(true)
  })
})
