import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {cp, mkdir, mkdtemp, readdir, rm, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {REPO_ROOT} from '../helpers/sandbox.js'

const run = promisify(execFile)

// What `npm publish` would ship, from a clean checkout (no dist/, no manifest): `npm pack` must
// build it (prepack), and the tarball installed globally must work as a user's `keyless`.
describe('the npm package (npm pack of a clean checkout, installed into a temp prefix)', function () {
  this.timeout(300_000)
  let dir: string
  let files: string[]
  let bin: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyless-pack-'))
    const checkout = join(dir, 'checkout')
    await mkdir(checkout)
    // A clean checkout: the tracked sources only (node_modules shared, as after `npm ci`).
    for (const entry of ['bin', 'src', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md']) {
      await cp(join(REPO_ROOT, entry), join(checkout, entry), {recursive: true})
    }
    await symlink(join(REPO_ROOT, 'node_modules'), join(checkout, 'node_modules'))
    const {stdout} = await run('npm', ['pack', '--json', '--pack-destination', dir], {cwd: checkout, maxBuffer: 64 << 20})
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{filename: string; files: Array<{path: string}>}>
    files = packed.files.map((f) => f.path)
    const prefix = join(dir, 'prefix')
    await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)], {cwd: dir})
    bin = join(prefix, 'bin', 'keyless')
    const home = join(dir, 'home')
    await mkdir(home)
    env = {PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), AWS_CONFIG_FILE: join(home, 'config'), NO_COLOR: '1'}
  })
  after(() => (dir ? rm(dir, {recursive: true, force: true}) : undefined))

  it('ships the built CLI and its oclif manifest', () => {
    // What the entry point imports directly (the hot path) must be in it too.
    const imported = [...readFileSync(join(REPO_ROOT, 'bin', 'run.js'), 'utf8').matchAll(/'\.\.\/(dist\/[^']+\.js)'/g)].map((m) => m[1])
    expect(imported).to.have.length.greaterThan(0)
    expect(files).to.include.members(['bin/run.js', 'oclif.manifest.json', 'dist/commands/status.js', ...imported])
    expect(files.filter((f) => f.startsWith('dist/commands/'))).to.have.length.greaterThan(10)
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).to.equal(false)
  })

  it('the installed keyless answers --version, --help and a clean credential-process error', async () => {
    expect(await readdir(join(dir, 'prefix', 'bin'))).to.include('keyless')
    const version = await run(bin, ['--version'], {env})
    expect(version.stdout).to.match(/^keyless\/\d+\.\d+\.\d+ /)
    const help = await run(bin, ['--help'], {env})
    expect(help.stdout).to.match(/^ {2}credential-process /m).and.match(/^ {2}switch /m)
    const failed = await run(bin, ['credential-process'], {env}).then(
      () => expect.fail('credential-process without --profile succeeded'),
      (error: {code: number; stdout: string; stderr: string}) => error,
    )
    expect(failed.code).to.equal(2)
    expect(failed.stdout).to.equal('')
    expect(failed.stderr.trim().split('\n')).to.have.length(1)
    expect(failed.stderr).to.match(/^keyless: credential-process needs --profile NAME/)
  })

  it('npm has no unreviewed install scripts to warn about (allowScripts covers esbuild)', async () => {
    const {stdout} = await run('npm', ['install-scripts', 'ls'], {cwd: REPO_ROOT})
    expect(stdout).to.include('No packages with unreviewed install scripts')
  })
})
