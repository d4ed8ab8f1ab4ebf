import {randomBytes} from 'node:crypto'
import {chmod, copyFile, mkdir, open, readdir, realpath, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {KeylessError} from '../errors.js'

export interface WriteFileAtomicOptions {
  /** Copy the previous file to `<path>.keyless-backup` (same mode) before replacing it. */
  backup?: boolean
  /** Mode of the new file; default: the existing file's mode, 0600 for a new file. */
  mode?: number
}

/** The backup `writeFileAtomic(path, …, {backup: true})` leaves. */
export function backupPath(path: string): string {
  return `${path}.keyless-backup`
}

/**
 * Replaces `path` with `text` so that a crash or kill -9 at any moment leaves either the old or the
 * new file, never a partial one: a temp file in the same directory, fsync, rename, fsync of the
 * directory. A symlinked file (dotfile managers) is written through: the link stays, its target is
 * replaced. A missing parent directory is created with mode 0700 (as ~/.aws should be).
 */
export async function writeFileAtomic(path: string, text: string, options: WriteFileAtomicOptions = {}): Promise<void> {
  try {
    await replaceFile(path, text, options)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'no space left on the device' : (error as Error).message
    throw new KeylessError(`Cannot write ${path}: ${reason}${code ? ` (${code})` : ''}; the file was left as it was.`, {
      code: 'WriteFailed',
      hint: 'Check the permissions of the file and its directory.',
      cause: error,
    })
  }
}

async function replaceFile(path: string, text: string, options: WriteFileAtomicOptions): Promise<void> {
  const target = await realpath(path).catch(() => path)
  const dir = dirname(target)
  await mkdir(dir, {recursive: true, mode: 0o700})
  const previous = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  const mode = options.mode ?? (previous ? previous.mode & 0o7777 : 0o600)

  if (options.backup && previous) {
    const backup = backupPath(path)
    const backupTemp = tempName(dirname(backup), backup)
    try {
      await copyFile(target, backupTemp)
      await chmod(backupTemp, previous.mode & 0o7777)
      await syncFile(backupTemp)
      await rename(backupTemp, backup)
    } catch (error) {
      await unlink(backupTemp).catch(() => undefined)
      throw error
    }
  }

  await removeStaleTemps(dir, target)
  const temp = tempName(dir, target)
  try {
    const handle = await open(temp, 'wx', mode)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.chmod(mode) // the umask may have narrowed it
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, target)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncDir(dir)
}

function tempName(dir: string, target: string): string {
  return join(dir, `.${basename(target)}.keyless-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
}

/** Temp files left by a writer that was killed (its process is gone) are removed. */
async function removeStaleTemps(dir: string, target: string): Promise<void> {
  const prefix = `.${basename(target)}.keyless-`
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1]))) {
      await unlink(join(dir, name)).catch(() => undefined)
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Makes the rename durable; not every platform lets a directory be fsynced, so best effort. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Windows and some file systems refuse; the rename itself is still atomic.
  }
}
