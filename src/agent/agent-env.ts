import {loadAwsConfig} from '../config/load-aws-config.js'
import type {ResolvedProfile} from '../config/profile-types.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {UsageError} from '../errors.js'
import {staleVariables, type CredentialEndpoint} from '../credentials/credential-variables.js'
import type {ConfirmGuardedDeps} from '../guard/confirm-guarded.js'
import {accountIdOf} from '../guard/guard-policy.js'
import {guardProfile} from '../guard/guard-profile.js'
import {accountFacts} from '../portal/account-facts.js'
import {grantToken} from './agent-keys.js'
import {ensureAgent, type EnsureAgentDeps} from './ensure-agent.js'

export interface AgentEnvInput {
  profile: string
  /** Confirmation of a guarded profile given in advance (scripts). */
  yes: boolean
}

export interface AgentEnvDeps extends EnsureAgentDeps, Omit<ConfirmGuardedDeps, 'env'> {}

/** Variables to set, in order, and variables of the environment to remove. */
export interface AgentEnv {
  profile: string
  guarded: boolean
  set: Array<[name: string, value: string]>
  unset: string[]
}

/**
 * The two variables that point an AWS SDK or CLI at the agent for one profile, starting the agent
 * when it is not running. `scoped`: the profile's own grant token, good for that profile only
 * (which only this function hands out, after the guard's confirmation of a guarded profile, and
 * which exec always uses); else the agent's client token (a shell that switches between profiles).
 */
export async function agentEndpoint(name: string, scoped: boolean, deps: EnsureAgentDeps): Promise<CredentialEndpoint> {
  const agent = await ensureAgent(deps)
  return {url: `${agent.url}/v1/credentials/${encodeURIComponent(name)}`, token: scoped ? grantToken(agent.keys, name) : agent.keys.client}
}

/** The endpoint as the two variables the SDKs read. */
export function endpointVariables(endpoint: CredentialEndpoint): Array<[string, string]> {
  return [
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', endpoint.token],
  ]
}

/**
 * `keyless agent env PROFILE`: resolves the profile, applies the guard (a guarded profile asks on
 * the terminal, or needs --yes), and returns the variables a process needs to get the profile's
 * credentials from the agent: the endpoint and its token, the region, KEYLESS_PROFILE (and
 * KEYLESS_ENVIRONMENT); plus the variables of the current environment that would win over the
 * container provider in the SDKs (AWS_PROFILE, keys), to remove.
 */
export async function agentEnv(input: AgentEnvInput, deps: AgentEnvDeps): Promise<AgentEnv> {
  const config = await loadAwsConfig(deps.paths)
  const profile: ResolvedProfile = resolveProfile(config, input.profile)
  if (profile.kind === 'static') {
    throw new UsageError(`Profile "${profile.name}" holds long-lived access keys; the agent serves SSO roles and role chains.`)
  }
  const account = await accountFacts(accountIdOf(profile), config, {cacheDir: deps.paths.cacheDir, now: deps.now})
  const decision = await guardProfile(profile, config.ssoSessions, deps, {yes: input.yes, command: 'keyless agent env', account})
  const set = endpointVariables(await agentEndpoint(profile.name, decision.guarded, deps))
  if (profile.region) set.push(['AWS_REGION', profile.region], ['AWS_DEFAULT_REGION', profile.region])
  set.push(['KEYLESS_PROFILE', profile.name])
  if (decision.environment) set.push(['KEYLESS_ENVIRONMENT', decision.environment])
  const setNames = new Set(set.map(([name]) => name))
  const unset = [...staleVariables, 'KEYLESS_ENVIRONMENT'].filter((name) => !setNames.has(name) && deps.env[name] !== undefined)
  return {profile: profile.name, guarded: decision.guarded, set, unset: [...new Set(unset)]}
}
