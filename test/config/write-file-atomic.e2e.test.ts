import {spawn} from 'node:child_process'
import {chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {backupPath, writeFileAtomic} from '../../src/config/write-file-atomic.js'
import {tempAws, type TempAws} from './helpers.js'

const child = fileURLToPath(new URL('atomic-writer-child.mjs', import.meta.url))
const size = 4_000_000
const contentOf = (c: string) => `# ${c}\n${`${c.repeat(99)}\n`.repeat(size / 100)}# end ${c}\n`
const old = 'the old file\n'

/** Starts the looping writer, kills it with SIGKILL after `delayMs` past its first complete write. */
function writeAndKill(target: string, mode: 'atomic' | 'naive', delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, target, mode, String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {...process.env, KEYLESS_ATOMIC_CHILD: '1'},
    })
    proc.stdout.once('data', () => setTimeout(() => proc.kill('SIGKILL'), delayMs))
    proc.on('error', reject)
    proc.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited without being killed (${signal})`))))
  })
}

describe('writeFileAtomic', () => {
  let aws: TempAws
  beforeEach(() => {
    aws = tempAws()
  })
  afterEach(() => aws.cleanup())

  it('creates a new file 0600 in a new directory 0700', async () => {
    await writeFileAtomic(aws.configFile, 'hello\n')
    expect(readFileSync(aws.configFile, 'utf8')).to.equal('hello\n')
    expect(statSync(aws.configFile).mode & 0o777).to.equal(0o600)
    expect(statSync(join(aws.dir, '.aws')).mode & 0o777).to.equal(0o700)
  })

  it('keeps the existing mode, and leaves a backup of the previous file with the same mode', async () => {
    mkdirSync(join(aws.dir, '.aws'))
    writeFileSync(aws.configFile, old)
    chmodSync(aws.configFile, 0o640)
    await writeFileAtomic(aws.configFile, 'new\r\ncontent', {backup: true})
    expect(readFileSync(aws.configFile, 'utf8')).to.equal('new\r\ncontent')
    expect(statSync(aws.configFile).mode & 0o777).to.equal(0o640)
    expect(readFileSync(backupPath(aws.configFile), 'utf8')).to.equal(old)
    expect(statSync(backupPath(aws.configFile)).mode & 0o777).to.equal(0o640)
    // no temp files left behind
    expect(readdirSync(join(aws.dir, '.aws')).sort()).to.deep.equal(['config', 'config.keyless-backup'])
  })

  it('without backup leaves no backup; an explicit mode wins', async () => {
    await writeFileAtomic(aws.configFile, 'x', {mode: 0o644})
    await writeFileAtomic(aws.configFile, 'y')
    expect(statSync(aws.configFile).mode & 0o777).to.equal(0o644)
    expect(() => statSync(backupPath(aws.configFile))).to.throw()
  })

  it('writes through a symlinked config (dotfile managers), keeping the link', async () => {
    mkdirSync(join(aws.dir, '.aws'))
    mkdirSync(join(aws.dir, 'dotfiles'))
    const real = join(aws.dir, 'dotfiles', 'aws-config')
    writeFileSync(real, old, {mode: 0o600})
    symlinkSync(real, aws.configFile)
    await writeFileAtomic(aws.configFile, 'new\n', {backup: true})
    expect(lstatSync(aws.configFile).isSymbolicLink()).to.equal(true)
    expect(readlinkSync(aws.configFile)).to.equal(real)
    expect(readFileSync(real, 'utf8')).to.equal('new\n')
    expect(readFileSync(backupPath(aws.configFile), 'utf8')).to.equal(old)
  })

  it('fails with one clear line, leaving the file and no temp file, when a step fails', async () => {
    mkdirSync(join(aws.dir, '.aws'))
    writeFileSync(aws.configFile, old)
    // a directory where the backup should go: the backup rename fails before the file is touched
    mkdirSync(join(backupPath(aws.configFile), 'x'), {recursive: true})
    let error: Error | undefined
    await writeFileAtomic(aws.configFile, 'new', {backup: true}).catch((e: Error) => (error = e))
    expect(error?.message).to.match(new RegExp(`^Cannot write ${aws.configFile}: .*\\((EISDIR|ENOTEMPTY|EEXIST)\\); the file was left as it was\\.$`))
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(old)
    expect(readdirSync(join(aws.dir, '.aws')).sort()).to.deep.equal(['config', 'config.keyless-backup'])
    // a parent that is a file
    const underFile = join(aws.configFile, 'nested')
    await writeFileAtomic(underFile, 'x').catch((e: Error) => (error = e))
    expect(error?.message).to.match(/^Cannot write .*nested: .*\((ENOTDIR|EEXIST)\)/)
  })

  it('removes temp files left by a killed writer', async () => {
    mkdirSync(join(aws.dir, '.aws'))
    const stale = join(aws.dir, '.aws', '.config.keyless-999999-deadbeef.tmp')
    writeFileSync(stale, 'partial')
    await writeFileAtomic(aws.configFile, 'x')
    expect(readdirSync(join(aws.dir, '.aws'))).to.deep.equal(['config'])
  })

  it('kill -9 at any moment leaves the old or a complete new file, never a partial one', async function () {
    this.timeout(120_000)
    mkdirSync(join(aws.dir, '.aws'))
    const allowed = new Set([old, contentOf('A'), contentOf('B')])
    const seen = new Set<string>()
    for (let round = 0; round < 12; round++) {
      writeFileSync(aws.configFile, old)
      await writeAndKill(aws.configFile, 'atomic', round * 17)
      const text = readFileSync(aws.configFile, 'utf8')
      expect(allowed.has(text), `round ${round}: ${text.length} bytes, starts ${JSON.stringify(text.slice(0, 8))}`).to.equal(true)
      const backup = readFileSync(backupPath(aws.configFile), 'utf8')
      expect(allowed.has(backup), `backup in round ${round}`).to.equal(true)
      seen.add(text.slice(0, 3))
    }
    // the writer really did replace the file during the rounds
    expect([...seen].some((s) => s !== old.slice(0, 3))).to.equal(true)
  })

  it('(control) the same kill tears a plain fs.writeFile, so the test above can fail', async function () {
    this.timeout(120_000)
    mkdirSync(join(aws.dir, '.aws'))
    const allowed = new Set([old, contentOf('A'), contentOf('B')])
    let torn = 0
    for (let round = 0; round < 6 && torn === 0; round++) {
      writeFileSync(aws.configFile, old)
      await writeAndKill(aws.configFile, 'naive', round * 13)
      if (!allowed.has(readFileSync(aws.configFile, 'utf8'))) torn++
    }
    expect(torn).to.be.greaterThan(0)
  })
})
