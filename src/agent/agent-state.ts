import {chmod, lstat, mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {KeylessError} from '../errors.js'

/** What the state file says (nothing secret: the tokens live in the secret store). */
export interface AgentState {
  /** The running agent's pid; undefined after a clean stop (the port stays, for the next start). */
  pid?: number
  port: number
  /** epoch ms */
  startedAt?: number
}

/** The state file, or undefined when missing or unreadable. */
export async function readAgentState(file: string): Promise<AgentState | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<AgentState>
    if (typeof value.port !== 'number' || !Number.isInteger(value.port) || value.port < 1 || value.port > 65_535) return undefined
    return {
      port: value.port,
      ...(typeof value.pid === 'number' ? {pid: value.pid} : {}),
      ...(typeof value.startedAt === 'number' ? {startedAt: value.startedAt} : {}),
    }
  } catch {
    return undefined
  }
}

/** Writes the state file atomically (mode 0600) in a private directory (0700, ours, not a symlink). */
export async function writeAgentState(file: string, state: AgentState): Promise<void> {
  await ensurePrivateDir(dirname(file))
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(state)}\n`, {mode: 0o600})
  await rename(temporary, file)
}

/** Creates the directory 0700, or checks an existing one is a directory of ours and makes it 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700})
  const info = await lstat(dir)
  const uid = process.getuid?.()
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) {
    throw new KeylessError(`${dir} is not a directory of the current user.`, {code: 'AgentDir', hint: 'Remove it, or point XDG_RUNTIME_DIR elsewhere.'})
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700)
}

