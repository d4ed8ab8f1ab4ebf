import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'chai'
import {backupPath, writeFileAtomic} from '../../src/util/write-file-atomic.js'
import {tempAws, type TempAws} from '../config/helpers.js'

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

  describe('a target that is not a regular file is refused, and nothing is created beside it', () => {
    const refuses = async (target: string, link: string | undefined, kind: RegExp) => {
      const dir = join(aws.dir, '.aws')
      const before = readdirSync(dir).sort()
      const error = await writeFileAtomic(link ?? target, 'new\n', {backup: true}).then(
        () => undefined,
        (e: Error & {code?: string}) => e,
      )
      expect(error?.message).to.match(kind)
      expect(error?.message).to.match(/not a regular file; nothing was written\.$/)
      expect(error?.message.split('\n')).to.have.length(1)
      expect(readdirSync(dir).sort()).to.deep.equal(before)
    }

    beforeEach(() => mkdirSync(join(aws.dir, '.aws')))

    it('a character device (a copied /dev/null node made with mknod), also through a symlink', async () => {
      execFileSync('mknod', [aws.configFile, 'c', '1', '3'])
      await refuses(aws.configFile, undefined, /: it is a character device, /)
      expect(statSync(aws.configFile).isCharacterDevice()).to.equal(true)
      const link = join(aws.dir, '.aws', 'via-link')
      symlinkSync(aws.configFile, link)
      await refuses(aws.configFile, link, /via-link \(.*config\): it is a character device, /)
      expect(lstatSync(link).isSymbolicLink()).to.equal(true)
    })

    it('a FIFO', async () => {
      execFileSync('mkfifo', [aws.configFile])
      await refuses(aws.configFile, undefined, /: it is a FIFO \(named pipe\), /)
      expect(statSync(aws.configFile).isFIFO()).to.equal(true)
    })

    it('a socket', async () => {
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(aws.configFile, resolve))
      try {
        await refuses(aws.configFile, undefined, /: it is a socket, /)
        expect(statSync(aws.configFile).isSocket()).to.equal(true)
      } finally {
        await new Promise((resolve) => server.close(resolve))
      }
    })

    it('a directory', async () => {
      mkdirSync(aws.configFile)
      await refuses(aws.configFile, undefined, /: it is a directory, /)
      expect(readdirSync(aws.configFile)).to.deep.equal([])
    })
  })

  it('refuses a file with two hard links (instead of splitting them), leaving both as they were', async () => {
    mkdirSync(join(aws.dir, '.aws'))
    mkdirSync(join(aws.dir, 'dotfiles'))
    const other = join(aws.dir, 'dotfiles', 'aws-config')
    writeFileSync(other, old, {mode: 0o600})
    linkSync(other, aws.configFile)
    const error = await writeFileAtomic(aws.configFile, 'new\n', {backup: true}).then(() => undefined, (e: Error) => e)
    expect(error?.message).to.equal(`Cannot write ${aws.configFile}: it has 2 hard links, and replacing it would split them; nothing was written.`)
    expect(statSync(aws.configFile).ino).to.equal(statSync(other).ino)
    expect(statSync(other).nlink).to.equal(2)
    expect(readFileSync(other, 'utf8')).to.equal(old)
    expect(readdirSync(join(aws.dir, '.aws'))).to.deep.equal(['config'])
  })

  it('writes through a dangling symlink: its target is created, the link stays', async () => {
    mkdirSync(join(aws.dir, '.aws'))
    symlinkSync('../dotfiles/not-yet', aws.configFile)
    await writeFileAtomic(aws.configFile, 'new\n', {backup: true})
    expect(lstatSync(aws.configFile).isSymbolicLink()).to.equal(true)
    expect(readlinkSync(aws.configFile)).to.equal('../dotfiles/not-yet')
    const real = join(aws.dir, 'dotfiles', 'not-yet')
    expect(readFileSync(real, 'utf8')).to.equal('new\n')
    expect(statSync(real).mode & 0o777).to.equal(0o600)
    expect(readdirSync(join(aws.dir, '.aws'))).to.deep.equal(['config'])
    // and a link to a link to nothing
    symlinkSync('config', join(aws.dir, '.aws', 'outer'))
    await writeFileAtomic(join(aws.dir, '.aws', 'outer'), 'again\n')
    expect(readFileSync(real, 'utf8')).to.equal('again\n')
    expect(lstatSync(join(aws.dir, '.aws', 'outer')).isSymbolicLink()).to.equal(true)
  })

  it('keeps owner and group when root writes a user\'s file (and its backup)', async function () {
    if (process.getuid?.() !== 0) this.skip() // said plainly: needs root to chown
    mkdirSync(join(aws.dir, '.aws'))
    writeFileSync(aws.configFile, old, {mode: 0o640})
    chownSync(aws.configFile, 1000, 1000)
    await writeFileAtomic(aws.configFile, 'new\n', {backup: true})
    const after = statSync(aws.configFile)
    expect([after.uid, after.gid, after.mode & 0o777]).to.deep.equal([1000, 1000, 0o640])
    expect(readFileSync(aws.configFile, 'utf8')).to.equal('new\n')
    const backup = statSync(backupPath(aws.configFile))
    expect([backup.uid, backup.gid, backup.mode & 0o777], 'the backup is the user\'s too').to.deep.equal([1000, 1000, 0o640])
  })

  it('refuses, with nothing written, when the owner cannot be kept (a user writing a root-owned file)', async function () {
    if (process.getuid?.() !== 0) this.skip() // said plainly: needs root to start a process as uid 1000
    const dir = join(aws.dir, '.aws')
    mkdirSync(dir)
    chmodSync(aws.dir, 0o755)
    chownSync(dir, 1000, 1000)
    writeFileSync(aws.configFile, old, {mode: 0o666})
    chmodSync(aws.configFile, 0o666) // writable by the user, owned by root
    const script = `import {writeFileAtomic} from ${JSON.stringify(new URL('../../src/util/write-file-atomic.ts', import.meta.url).href)}
writeFileAtomic(process.argv[1], 'new\\n').then(() => console.log('written'), (e) => console.log(e.message))`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, aws.configFile], {uid: 1000, gid: 1000, encoding: 'utf8'})
    expect(r.stdout.trim(), r.stderr).to.equal(
      `Cannot write ${aws.configFile}: it belongs to uid 0 gid 0, which this process (uid 1000) cannot give the new file; nothing was written.`,
    )
    expect(readFileSync(aws.configFile, 'utf8')).to.equal(old)
    expect(statSync(aws.configFile).uid).to.equal(0)
    expect(readdirSync(dir)).to.deep.equal(['config'])
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
    this.timeout(300_000)
    mkdirSync(join(aws.dir, '.aws'))
    const allowed = new Set([old, contentOf('A'), contentOf('B')])
    let torn = 0
    // A kill lands inside the truncate-then-write window often, not always (more rarely on a busy
    // machine, where the writer gets fewer slices): try until one tears, up to 40 times.
    for (let round = 0; round < 40 && torn === 0; round++) {
      writeFileSync(aws.configFile, old)
      await writeAndKill(aws.configFile, 'naive', (round * 13) % 97)
      if (!allowed.has(readFileSync(aws.configFile, 'utf8'))) torn++
    }
    expect(torn).to.be.greaterThan(0)
  })
})
