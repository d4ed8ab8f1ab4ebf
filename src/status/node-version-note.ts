import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** The AWS SDK for JavaScript v3 requires this Node.js major for releases after the first week of January 2027. */
export const SDK_NODE_MAJOR = 22
/** The start of that week: the SDK's cut-off for older Node.js majors. */
export const SDK_NODE_CUTOFF = Date.UTC(2027, 0, 1)
/** The note is said only from this long before the cut-off on… */
export const NOTE_WINDOW_MS = 90 * 86_400_000
/** …and at most once per this interval. */
export const NOTE_INTERVAL_MS = 7 * 86_400_000

export interface NodeSupport {
  version: string
  /** false below the SDK's upcoming minimum (whether or not the note is due). */
  supported: boolean
  /** The note to show now: set at most once a week, within 90 days of the cut-off. */
  note?: string
}

export interface NodeVersionNoteDeps {
  now: () => number
  paths: {cacheDir: string}
}

/**
 * Whether this Node.js is below the SDK's upcoming minimum, and the note `status` shows about it:
 * only from 90 days before the cut-off on, and at most once a week (the time it was last said is
 * kept in the cache dir, `node-version-note`). A cache dir that cannot be written only means the
 * note may come again.
 */
export async function nodeVersionNote(input: {nodeVersion: string}, deps: NodeVersionNoteDeps): Promise<NodeSupport> {
  const version = input.nodeVersion
  const major = Number.parseInt(version.replace(/^v/, ''), 10)
  if (!Number.isFinite(major) || major >= SDK_NODE_MAJOR) return {version, supported: true}
  const now = deps.now()
  if (now < SDK_NODE_CUTOFF - NOTE_WINDOW_MS) return {version, supported: false}
  const stamp = join(deps.paths.cacheDir, 'node-version-note')
  const last = Number((await readFile(stamp, 'utf8').catch(() => '')).trim())
  if (Number.isFinite(last) && last > 0 && last <= now && now - last < NOTE_INTERVAL_MS) return {version, supported: false}
  await mkdir(deps.paths.cacheDir, {recursive: true, mode: 0o700})
    .then(() => writeFile(stamp, `${now}\n`, {mode: 0o600}))
    .catch(() => undefined)
  return {
    version,
    supported: false,
    note:
      `Node.js ${version}: AWS SDK for JavaScript v3 releases published after the first week of January 2027 ` +
      `require Node.js ${SDK_NODE_MAJOR} or later; upgrade Node.js to keep getting SDK fixes.`,
  }
}
