import {loadAwsConfig} from '../config/load-aws-config.js'
import {resolveProfile} from '../config/resolve-profile.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import {credentialProvider, getCredentials} from '../credentials/get-credentials.js'
import {UsageError} from '../errors.js'
import type {ConfirmGuardedDeps} from '../guard/confirm-guarded.js'
import {guardProfile} from '../guard/guard-profile.js'
import {accountIdOf} from '../guard/guard-policy.js'
import {accountFacts} from '../portal/account-facts.js'
import type {CredentialEndpoint} from '../credentials/credential-variables.js'
import {buildExecEnv} from './build-exec-env.js'
import {runChild, type SignalSource} from './run-child.js'
import {startCredentialServer} from './start-credential-server.js'

export interface ExecInput {
  profile: string
  /** The command; undefined runs $SHELL. */
  command?: string
  args: string[]
  /** Serve credentials from a local endpoint instead of fixed keys (the running agent's, else a private one). */
  server: boolean
  /** Serve them from the keyless agent, starting it when it is not running. */
  agent?: boolean
  /** Allow running inside another `keyless exec`. */
  force: boolean
  /** Pre-answered confirmation (guarded profiles). */
  yes: boolean
}

export interface ExecDeps extends CredentialDeps, Omit<ConfirmGuardedDeps, 'env' | 'stderr'> {
  /** Where SIGINT/SIGTERM/SIGHUP arrive (process). */
  signals: SignalSource
  /**
   * Forward SIGINT too. false when keyless runs in a terminal: Ctrl-C already reached the child
   * (same foreground process group), and a second copy makes e.g. terraform abort at once.
   */
  forwardInterrupt: boolean
  /**
   * The keyless agent's endpoint for a profile (`guarded`: already confirmed here): started when
   * `start`, else undefined when no agent runs.
   */
  agentEndpoint?: (profileName: string, scoped: boolean, start: boolean) => Promise<CredentialEndpoint | undefined>
}

/**
 * `keyless exec`: runs a command with a profile's credentials in its environment (or, with
 * `server`, behind a local credential endpoint) and resolves with the child's exit code.
 * `deps.env` must be the environment as keyless received it (the child's base).
 */
export async function execWithCredentials(input: ExecInput, deps: ExecDeps): Promise<number> {
  const outer = deps.env.KEYLESS_PROFILE
  // A shell that `switch` pointed at the agent has KEYLESS_PROFILE too, but is no exec: nothing hides.
  const agentShell = deps.env.AWS_CONTAINER_CREDENTIALS_FULL_URI?.includes('/v1/credentials/') === true
  if (outer && !input.force && !agentShell) {
    throw new UsageError(
      `Already inside \`keyless exec\` for profile "${outer}" (KEYLESS_PROFILE is set); nesting would hide which credentials are in use.`,
      'Exit that shell first, or pass --force to replace them.',
    )
  }

  // Resolve the profile, then let the guardrails decide (a guarded profile asks, or needs --yes),
  // before anything is fetched.
  const config = await loadAwsConfig(deps.paths)
  const profile = resolveProfile(config, input.profile)
  const account = await accountFacts(accountIdOf(profile), config, {cacheDir: deps.paths.cacheDir, now: deps.now})
  const guard = await guardProfile(profile, config.ssoSessions, deps, {yes: input.yes, command: 'keyless exec', account})

  const command = input.command ?? deps.env.SHELL ?? '/bin/sh'
  const args = input.command ? input.args : []
  const signals = deps.forwardInterrupt
    ? {forward: ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[], survive: [] as NodeJS.Signals[]}
    : {forward: ['SIGTERM', 'SIGHUP'] as NodeJS.Signals[], survive: ['SIGINT', 'SIGQUIT'] as NodeJS.Signals[]}
  const base = {base: deps.env, profileName: profile.name, region: profile.region, environment: guard.environment}

  if (!input.server && !input.agent) {
    const credentials = await getCredentials(profile, deps)
    return runChild({command, args, env: buildExecEnv({...base, credentials}), ...signals}, deps.signals)
  }

  // Fetch once first, so a login or an access error shows before the command starts.
  await getCredentials(profile, deps)
  // The child gets this profile's own grant token, guarded or not: the agent's client token would
  // open every other unguarded profile to it, and outlive the exec.
  const viaAgent = await deps.agentEndpoint?.(profile.name, true, input.agent === true)
  if (viaAgent) return runChild({command, args, env: buildExecEnv({...base, endpoint: viaAgent}), ...signals}, deps.signals)
  const server = await startCredentialServer(credentialProvider(profile, deps), {
    warn: (message) => deps.stderr.write(`keyless: ${message}\n`),
  })
  try {
    return await runChild({command, args, env: buildExecEnv({...base, endpoint: server}), ...signals}, deps.signals)
  } finally {
    await server.close()
  }
}
