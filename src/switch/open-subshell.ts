import type {ResolvedProfile} from '../config/profile-types.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import {getCredentials} from '../credentials/get-credentials.js'
import {buildExecEnv} from '../exec/build-exec-env.js'
import {runChild, type SignalSource} from '../exec/run-child.js'

export interface SubshellDeps extends CredentialDeps {
  signals: SignalSource
}

/**
 * `$SHELL` with the profile's credentials in its environment, as `keyless exec PROFILE` runs it
 * (same variables, KEYLESS_PROFILE marker, Ctrl-C left to the shell); resolves with its exit code.
 */
export async function openSubshell(profile: ResolvedProfile, environment: string | undefined, deps: SubshellDeps): Promise<number> {
  const credentials = await getCredentials(profile, deps)
  // The shell function's variables belong to the outer shell, not to this one.
  const {KEYLESS_SHELL_EXPORT_FILE: _file, KEYLESS_SHELL: _shell, KEYLESS_SHELL_AGENT: _agent, ...base} = deps.env
  const env = buildExecEnv({base, profileName: profile.name, region: profile.region, credentials, ...(environment ? {environment} : {})})
  return runChild({command: deps.env.SHELL || '/bin/sh', args: [], env, forward: ['SIGTERM', 'SIGHUP'], survive: ['SIGINT', 'SIGQUIT']}, deps.signals)
}
