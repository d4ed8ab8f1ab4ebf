import {loadAwsConfig} from '../config/load-aws-config.js'
import {resolveProfile} from '../config/resolve-profile.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import {getCredentials} from '../credentials/get-credentials.js'
import type {ConfirmGuardedDeps} from '../guard/confirm-guarded.js'
import {accountIdOf} from '../guard/guard-policy.js'
import {guardProfile} from '../guard/guard-profile.js'
import {accountFacts} from '../portal/account-facts.js'
import {formatCredentials, type ExportFormat} from './format-credentials.js'

export interface ExportInput {
  profile: string
  format: ExportFormat
  /** Pre-answered confirmation (guarded profiles). */
  yes: boolean
}

export interface ExportDeps extends CredentialDeps, Omit<ConfirmGuardedDeps, 'env' | 'stderr'> {
  /** stdout is a terminal: the credentials would land in its scrollback. */
  stdoutIsTerminal: boolean
}

/**
 * `keyless export`: the profile's temporary credentials (and region) as text for a shell or tool.
 * A guarded profile asks first, exactly as `keyless exec` does (--yes without a terminal). Printing
 * to a terminal is allowed, like `aws-vault export` and `aws configure export-credentials`, with
 * one warning line on stderr. Returns the text for stdout.
 */
export async function exportCredentials(input: ExportInput, deps: ExportDeps): Promise<string> {
  const config = await loadAwsConfig(deps.paths)
  const profile = resolveProfile(config, input.profile)
  const account = await accountFacts(accountIdOf(profile), config, {cacheDir: deps.paths.cacheDir, now: deps.now})
  await guardProfile(profile, config.ssoSessions, deps, {yes: input.yes, command: 'keyless export', account})
  const credentials = await getCredentials(profile, deps)
  const text = formatCredentials(credentials, input.format, profile.region)
  if (deps.stdoutIsTerminal) {
    deps.stderr.write(`keyless: these are live credentials of ${profile.name}, now in your terminal's scrollback; usually you want eval "$(keyless export ${profile.name})" or keyless exec.\n`)
  }
  return text
}
