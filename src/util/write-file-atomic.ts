import {randomBytes} from 'node:crypto'
import type {Stats} from 'node:fs'
import {chmod, chown, copyFile, lstat, mkdir, open, readdir, readlink, realpath, rename, stat, unlink, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'
import {KeylessError} from '../errors.js'
import {processAlive} from './process-alive.js'

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
 * directory. The one writer of every file keyless writes (AWS config, shell start-up files, caches,
 * the encrypted store). What it keeps of the file it replaces:
 * - a symlink (dotfile managers): written through, the link stays and its target is replaced; a
 *   dangling link gets its target created, as editors do;
 * - mode, owner and group (root editing a user's config leaves it the user's); when the owner
 *   cannot be kept, nothing is written;
 * - hard links: a file with more than one link is refused (replacing it would silently split the
 *   link, editing it in place could tear it) with a line that says what to do.
 * A target that is not a regular file (a device such as /dev/null, a FIFO, a socket, a directory)
 * is refused before anything is created beside it. A missing parent directory is created 0700.
 */
export async function writeFileAtomic(path: string, text: string, options: WriteFileAtomicOptions = {}): Promise<void> {
  try {
    await replaceFile(path, text, options)
  } catch (error) {
    if (error instanceof KeylessError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const {reason, hint} = writeFailure(code, (error as Error).message)
    throw new KeylessError(`Cannot write ${path}: ${reason}${code ? ` (${code})` : ''}; the file was left as it was.`, {
      code: 'WriteFailed',
      hint,
      cause: error,
    })
  }
}

/** Why a write failed, in words, and what to do about it. */
function writeFailure(code: string | undefined, message: string): {reason: string; hint: string} {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return {reason: 'permission denied', hint: 'Check the permissions of the file and its directory.'}
    case 'ENOSPC':
      return {reason: 'no space left on the device', hint: 'Free some space on that file system and run the command again.'}
    case 'EDQUOT':
      return {reason: 'disk quota exceeded', hint: 'Free some space within your quota and run the command again.'}
    case 'EROFS':
      return {reason: 'the file system is read-only', hint: 'Remount it read-write, or point keyless at a file on a writable one.'}
    default:
      return {reason: message, hint: 'Check the permissions of the file and its directory.'}
  }
}

async function replaceFile(path: string, text: string, options: WriteFileAtomicOptions): Promise<void> {
  const target = await resolveTarget(path)
  const previous = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (previous) refuseUnsafeTarget(path, target, previous)
  const dir = dirname(target)
  await mkdir(dir, {recursive: true, mode: 0o700})
  const mode = options.mode ?? (previous ? previous.mode & 0o7777 : 0o600)

  if (options.backup && previous) await writeBackup(target, backupPath(path), previous)

  await removeStaleTemps(dir, target)
  const temp = tempName(dir, target)
  try {
    const handle = await open(temp, 'wx', mode)
    try {
      if (previous) await keepOwner(handle, path, previous)
      await handle.writeFile(text, 'utf8')
      await handle.chmod(mode) // the umask may have narrowed it (and chown may have cleared bits)
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

/**
 * The file a write to `path` lands in: symlinks followed to the end, also when the last link is
 * dangling (then its target is the new file). The path itself when nothing exists there.
 */
async function resolveTarget(path: string): Promise<string> {
  let current = resolve(path)
  for (let hops = 0; hops < 40; hops++) {
    let info: Stats
    try {
      info = await lstat(current)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      // Nothing here (yet): the parent may itself be reached through links.
      const parent = await realpath(dirname(current)).catch(() => dirname(current))
      return join(parent, basename(current))
    }
    if (!info.isSymbolicLink()) return realpath(current)
    current = resolve(dirname(current), await readlink(current))
  }
  throw Object.assign(new Error(`too many levels of symbolic links`), {code: 'ELOOP'})
}

function refuseUnsafeTarget(path: string, target: string, info: Stats): void {
  const via = target === resolve(path) ? '' : ` (${target})`
  if (!info.isFile()) {
    throw new KeylessError(`Cannot write ${path}${via}: it is ${kindOf(info)}, not a regular file; nothing was written.`, {
      code: 'NotRegularFile',
      hint: 'Point keyless at a regular file (for AWS_CONFIG_FILE=/dev/null, use a temporary file instead).',
    })
  }
  if (info.nlink > 1) {
    throw new KeylessError(`Cannot write ${path}${via}: it has ${info.nlink} hard links, and replacing it would split them; nothing was written.`, {
      code: 'HardLinked',
      hint: 'Replace the hard link by a symbolic link (keyless writes through those), then run the command again.',
    })
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** Gives the temp file the owner and group of the file it replaces, or refuses. */
async function keepOwner(handle: FileHandle, path: string, previous: Stats): Promise<void> {
  const mine = await handle.stat()
  if (mine.uid === previous.uid && mine.gid === previous.gid) return
  try {
    await handle.chown(previous.uid, previous.gid)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EPERM' && code !== 'EINVAL') throw error
    throw new KeylessError(
      `Cannot write ${path}: it belongs to uid ${previous.uid} gid ${previous.gid}, which this process (uid ${mine.uid}) cannot give the new file; nothing was written.`,
      {code: 'OwnerNotKept', hint: 'Run keyless as the owner of the file (or fix its owner and group).', cause: error},
    )
  }
}

async function writeBackup(target: string, backup: string, previous: Stats): Promise<void> {
  const backupTemp = tempName(dirname(backup), backup)
  try {
    await copyFile(target, backupTemp)
    // The file's owner keeps the backup too (root editing a user's config); best effort, as the
    // backup is the user's copy, not the file itself. chown first: it may clear mode bits.
    await chown(backupTemp, previous.uid, previous.gid).catch(() => undefined)
    await chmod(backupTemp, previous.mode & 0o7777)
    await syncFile(backupTemp)
    await rename(backupTemp, backup)
  } catch (error) {
    await unlink(backupTemp).catch(() => undefined)
    throw error
  }
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
    if (match && Number(match[1]) !== process.pid && !processAlive(Number(match[1]))) {
      await unlink(join(dir, name)).catch(() => undefined)
    }
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
