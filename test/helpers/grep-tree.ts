import {readdirSync, readFileSync, lstatSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Files under `dir` (recursively, symlinks not followed) whose bytes contain any of `needles`,
 * for "no secret in plaintext" assertions. Empty needles are ignored.
 */
export function grepTree(dir: string, needles: string[]): string[] {
  const wanted = needles.filter((n) => n.length > 0).map((n) => Buffer.from(n, 'utf8'))
  const hits: string[] = []
  const walk = (path: string) => {
    let stat
    try {
      stat = lstatSync(path)
    } catch {
      return
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry))
    } else if (stat.isFile()) {
      let data: Buffer
      try {
        data = readFileSync(path)
      } catch {
        return
      }
      if (wanted.some((needle) => data.includes(needle))) hits.push(path)
    }
  }
  if (wanted.length > 0) walk(dir)
  return hits.sort()
}

/**
 * Where a test run keeps state outside a sandbox's HOME that a secret could reach: the private
 * test keyring's HOME (scripts/with-keyring.mjs), when the run started one. A sandbox's CLI writes
 * its temp files under HOME (TMPDIR), so grepping HOME and these covers all a run wrote.
 */
export function outsideHomeDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.KEYLESS_TEST_KEYRING_HOME ? [env.KEYLESS_TEST_KEYRING_HOME] : []
}
