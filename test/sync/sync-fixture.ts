import {mkdtemp, readFile, rm, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {writeAssignmentCache} from '../../src/portal/assignment-cache.js'
import type {DiscoveredAccount} from '../../src/portal/discover-assignments.js'
import type {SyncDeps} from '../../src/sync/sync-profiles.js'
import type {SsoSession} from '../../src/config/profile-types.js'

export interface SyncFixture {
  dir: string
  configFile: string
  deps: SyncDeps
  stderr: string[]
  read(): Promise<string>
  write(text: string): Promise<void>
  /** Seeds the account cache of a session (as if `keyless list` had just run). */
  accounts(session: SsoSession, accounts: DiscoveredAccount[]): Promise<void>
  cleanup(): Promise<void>
}

export const corp: SsoSession = {name: 'corp', startUrl: 'https://d-111.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access']}
export const lab: SsoSession = {name: 'lab', startUrl: 'https://d-222.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access']}

export const sessionSection = (s: SsoSession, eol = '\n') =>
  `[sso-session ${s.name}]${eol}sso_start_url = ${s.startUrl}${eol}sso_region = ${s.region}${eol}`

/** Sync deps over a temp dir; discovery never runs (the portal throws) — the cache is seeded. */
export async function syncFixture(): Promise<SyncFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'keyless-sync-'))
  const configFile = join(dir, '.aws', 'config')
  await mkdir(join(dir, '.aws'))
  const stderr: string[] = []
  const now = Date.now()
  const deps: SyncDeps = {
    now: () => now,
    sleep: async () => undefined,
    stderr: {write: (t) => void stderr.push(t), isTTY: false},
    paths: {configFile, credentialsFile: join(dir, '.aws', 'credentials'), cacheDir: join(dir, 'cache'), lockDir: join(dir, 'cache', 'locks')},
    tokens: {
      get: async () => {
        throw new Error('no portal in this test')
      },
      invalidate: async () => undefined,
    },
    portal: async () => {
      throw new Error('no portal in this test')
    },
  }
  return {
    dir,
    configFile,
    deps,
    stderr,
    read: () => readFile(configFile, 'utf8'),
    write: (text) => writeFile(configFile, text),
    accounts: (session, accounts) => writeAssignmentCache(deps.paths.cacheDir, session, now, accounts),
    cleanup: () => rm(dir, {recursive: true, force: true}),
  }
}
