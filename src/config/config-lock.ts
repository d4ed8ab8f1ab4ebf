import {withLock} from '../lock/with-lock.js'
import type {Paths} from '../util/paths.js'

/**
 * The cross-process lock every read-modify-write of the AWS config and credentials files takes
 * (`configure`, `sync`, `audit --fix` and `--restore`), so two of them never lose each other's edits.
 */
export const configLockName = 'aws-config'

/** How long a writer waits for another (a sync of thousands of profiles takes a few seconds). */
export const configLockTimeoutMs = 30_000

/** Runs `fn` (read, edit, write the AWS files) while holding the config lock under `paths.lockDir`. */
export function withConfigLock<T>(paths: Pick<Paths, 'lockDir'>, fn: () => Promise<T>): Promise<T> {
  return withLock(configLockName, fn, {dir: paths.lockDir, timeoutMs: configLockTimeoutMs})
}
