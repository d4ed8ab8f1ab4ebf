import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** A failure one process saw under a lock, for the processes that waited on the same lock (no secret in it). */
export interface RecordedFailure {
  /** epoch ms */
  at: number
  message: string
  exit: number
  code: string
  hint?: string
}

export interface FailureRecord {
  read(): Promise<RecordedFailure | undefined>
  write(failure: RecordedFailure): Promise<void>
  clear(): Promise<void>
}

/** `<lockDir>/<name>.failed.json` (0600): the last failure under lock `name`, until a success clears it. */
export function failureRecord(lockDir: string, name: string): FailureRecord {
  const path = join(lockDir, `${name}.failed.json`)
  return {
    async read() {
      try {
        const value = JSON.parse(await readFile(path, 'utf8')) as RecordedFailure
        return typeof value.at === 'number' && typeof value.message === 'string' && typeof value.exit === 'number' ? value : undefined
      } catch {
        return undefined
      }
    },
    async write(failure) {
      await mkdir(lockDir, {recursive: true, mode: 0o700}).catch(() => {})
      await writeFile(path, JSON.stringify(failure), {mode: 0o600}).catch(() => {})
    },
    async clear() {
      await rm(path, {force: true}).catch(() => {})
    },
  }
}
