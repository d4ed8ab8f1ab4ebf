import {startEmulator, type Emulator} from '../emulator/emulator.js'
import type {Organization} from '../emulator/organization.js'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'

/** How generated config and shell functions run the CLI under test. */
export const KEYLESS_BIN = `${process.execPath} ${CLI_ENTRY}`

export interface SignedIn {
  sb: Sandbox
  emulator: Emulator
  /** KEYLESS_BIN for the CLI under test. */
  env: NodeJS.ProcessEnv
  cleanup(): Promise<void>
}

/**
 * A sandbox (encrypted-file store, fast) with an emulator for `org`, an sso-session `corp` in the
 * config and a completed `keyless login`.
 */
export async function signedInSandbox(options: {org?: Organization; session?: string; login?: boolean; sync?: boolean} = {}): Promise<SignedIn> {
  const emulator = await startEmulator(options.org ? {org: options.org} : {})
  const sb = await createSandbox({store: 'file', emulator})
  const env = {KEYLESS_BIN}
  await sb.writeConfig(ssoSessionConfig(emulator, {name: options.session ?? 'corp'}))
  if (options.login !== false) {
    const login = await sb.run(['login'], {env})
    if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`)
  }
  if (options.sync) {
    const sync = await sb.run(['sync'], {env})
    if (sync.code !== 0) throw new Error(`sync failed: ${sync.stderr}`)
  }
  return {
    sb,
    emulator,
    env,
    async cleanup() {
      await sb.cleanup()
      await emulator.close()
    },
  }
}

/** Every `accountId/role` pair of an organization, sorted. */
export function orgPairs(org: Organization): string[] {
  return org.accounts.flatMap((a) => (org.assignments[a.accountId] ?? []).map((r) => `${a.accountId}/${r}`)).sort()
}
