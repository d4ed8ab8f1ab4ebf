import {openStore} from '../../src/store/open-store.js'
import type {SecretStore} from '../../src/store/secret-store.js'
import {storeKeys} from '../../src/store/keys.js'
import {resolvePaths} from '../../src/util/paths.js'
import {grepTree, outsideHomeDirs} from '../helpers/grep-tree.js'
import type {RunResult, Sandbox} from '../helpers/sandbox.js'

/** The sandbox's secret store, opened from the test process (same keychain service / same encrypted file). */
export function sandboxStore(sb: Sandbox): Promise<SecretStore> {
  return openStore(sb.env, resolvePaths(sb.env), {interactive: false})
}

/**
 * Collects every secret a run produced (access and refresh tokens, client secrets) from the store,
 * and every stdout/stderr, so a test can prove none of them is in plaintext anywhere.
 */
export function secretWitness(sb: Sandbox) {
  const secrets = new Set<string>()
  const outputs: string[] = []
  return {
    secrets,
    async run(args: string[], opts?: Parameters<Sandbox['run']>[1]): Promise<RunResult> {
      const result = await sb.run(args, opts)
      outputs.push(result.stdout, result.stderr)
      return result
    },
    record(result: RunResult) {
      outputs.push(result.stdout, result.stderr)
    },
    /** Reads the session's current secrets out of the store (call after each login/refresh). */
    async collect(session: string) {
      const store = await sandboxStore(sb)
      const token = await store.get(storeKeys.token(session))
      const registration = await store.get(storeKeys.registration(session))
      if (token) {
        const t = JSON.parse(token) as {accessToken?: string; refreshToken?: string}
        for (const s of [t.accessToken, t.refreshToken]) if (s) secrets.add(s)
      }
      if (registration) {
        const r = JSON.parse(registration) as {clientSecret?: string}
        if (r.clientSecret) secrets.add(r.clientSecret)
      }
    },
    /** Files under HOME and the temp dir, and outputs, that contain a collected secret. */
    leaks(): {files: string[]; outputs: number} {
      const needles = [...secrets]
      const files = [sb.home, ...outsideHomeDirs()].flatMap((dir) => grepTree(dir, needles))
      return {files, outputs: outputs.filter((o) => needles.some((n) => o.includes(n))).length}
    },
  }
}

/** The lines of stderr that are keyless error lines. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('keyless: '))
}
