import {loadAwsConfig} from '../config/load-aws-config.js'
import type {ResolvedProfile} from '../config/profile-types.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {validateRegion} from '../config/validate.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import {getCredentials} from '../credentials/get-credentials.js'
import type {Output} from '../deps.js'
import {UsageError} from '../errors.js'
import type {ConfirmGuardedDeps} from '../guard/confirm-guarded.js'
import {guardProfile} from '../guard/guard-profile.js'
import {accountIdOf} from '../guard/guard-policy.js'
import {accountFacts} from '../portal/account-facts.js'
import {consoleDestination} from './console-destination.js'
import {consoleSigninUrl} from './console-signin-url.js'
import {federationEndpoint} from './federation-endpoint.js'
import {partitionOf} from './partition-hosts.js'

export interface ConsoleInput {
  profile: string
  print: boolean
  region?: string
  destination?: string
  /** Console session length for SSO roles (900..43200; default 3600). */
  durationSeconds?: number
  yes: boolean
}

export interface ConsoleResult {
  profile: string
  region: string
  partition: string
  destination: string
  /** Only with --print (the URL signs in: it is not returned otherwise). */
  url?: string
  opened: boolean
}

export interface ConsoleDeps extends CredentialDeps {
  stdout: Output
  isInteractive: boolean
  openBrowser: (url: string) => Promise<void>
  fetch: typeof fetch
  confirm?: ConfirmGuardedDeps['prompt']
}

const defaultDurationSeconds = 3600

/**
 * `keyless console PROFILE`: the profile's credentials → a console sign-in URL on the partition
 * of the region (federation getSigninToken, then Action=login) → the browser, or stdout with --print.
 */
export async function openConsole(input: ConsoleInput, deps: ConsoleDeps): Promise<ConsoleResult> {
  const config = await loadAwsConfig(deps.paths)
  const profile = resolveProfile(config, input.profile)
  if (profile.kind === 'static') {
    throw new UsageError(`Profile "${profile.name}" holds long-lived keys; the console needs temporary credentials.`, 'Use an SSO profile or a role chain.')
  }
  if (profile.kind === 'stored-key') {
    // AWS: GetSessionToken credentials get no console sign-in token, and may not call GetFederationToken.
    throw new UsageError(
      `Profile "${profile.name}" is served from an IAM user key as GetSessionToken credentials, which AWS does not accept for console sign-in (nor for GetFederationToken).`,
      `Sign in to the console with the IAM user's password, or use a role: a profile with role_arn and source_profile = ${profile.name}.`,
    )
  }
  const region = input.region !== undefined ? validateRegion(input.region) : (profile.region ?? sessionRegion(profile) ?? 'us-east-1')
  const duration = input.durationSeconds ?? defaultDurationSeconds
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    throw new UsageError(`Invalid --duration ${input.durationSeconds}.`, 'Use 900 to 43200 seconds.')
  }
  const destination = consoleDestination(input.destination, region)
  const account = await accountFacts(accountIdOf(profile), config, {cacheDir: deps.paths.cacheDir, now: deps.now})
  await guardProfile(profile, config.ssoSessions, {stderr: deps.stderr, isInteractive: deps.isInteractive, env: deps.env, prompt: deps.confirm}, {yes: input.yes, command: 'keyless console', account})

  const credentials = await getCredentials(profile, deps)
  const partition = partitionOf(region)
  const url = await consoleSigninUrl(
    {
      credentials,
      endpoint: federationEndpoint(partition, deps.env, region),
      destination,
      // SSO role credentials take SessionDuration; AssumeRole (chained) sessions are refused with it.
      ...(profile.kind === 'sso' ? {sessionDurationSeconds: duration} : {}),
    },
    deps,
  )
  const result: ConsoleResult = {profile: profile.name, region, partition, destination, opened: false}
  if (input.print) {
    deps.stdout.write(`${url}\n`)
    return {...result, url}
  }
  await deps.openBrowser(url)
  deps.stderr.write(`Opened the AWS console for ${profile.name} (${region}) in your browser.\n`)
  return {...result, opened: true}
}

function sessionRegion(profile: ResolvedProfile): string | undefined {
  if (profile.kind === 'sso') return profile.session.region
  if (profile.kind === 'chain') return profile.source.region ?? sessionRegion(profile.source)
  return undefined
}
