import type {Emulator} from '../emulator/emulator.js'

/**
 * The `[sso-session NAME]` section for an emulator's Identity Center instance (its start URL and
 * region), to put in a sandbox's AWS config.
 */
export function ssoSessionConfig(emulator: Emulator, options: {name?: string; scopes?: string} = {}): string {
  return `[sso-session ${options.name ?? 'emulator'}]\n` +
    `sso_start_url = ${emulator.org.startUrl}\n` +
    `sso_region = ${emulator.org.region}\n` +
    `sso_registration_scopes = ${options.scopes ?? 'sso:account:access'}\n`
}
