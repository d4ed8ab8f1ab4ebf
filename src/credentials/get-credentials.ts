import type {ResolvedProfile} from '../config/profile-types.js'
import {UsageError} from '../errors.js'
import {failureRecord} from '../lock/failure-record.js'
import {withLock} from '../lock/with-lock.js'
import {assumeRoleProvider} from './assume-role-provider.js'
import {cached, lockName, type CredentialProvider, type LockRunner} from './cached.js'
import type {CredentialDeps} from './credential-deps.js'
import {credentialKey} from './credential-key.js'
import {credentialSpec, maxChainDepth} from './credential-spec.js'
import type {AwsCredentials} from './credential-types.js'
import {ssoRoleProvider} from './sso-role-provider.js'

/** Waiting callers may sit behind a browser login; the device code lives 10 minutes at most. */
const lockTimeoutMs = 15 * 60 * 1000

/**
 * The credentials of a profile: an SSO role (GetRoleCredentials) or a role chain (AssumeRole per
 * hop, down to an SSO role or static keys), each hop cached in the secret store and fetched at
 * most once at a time across processes.
 */
export async function getCredentials(profile: ResolvedProfile, deps: CredentialDeps): Promise<AwsCredentials> {
  if (profile.kind === 'static') {
    throw new UsageError(
      `Profile "${profile.name}" holds long-lived access keys; keyless serves SSO roles and role chains.`,
      'Use it as the source_profile of a role, or move to an SSO profile (`keyless audit` helps).',
    )
  }
  return credentialProvider(profile, deps)()
}

/** The composed provider for a profile (exported for the exec credential server and tests). */
export function credentialProvider(profile: ResolvedProfile, deps: CredentialDeps, depth = 0): CredentialProvider {
  if (depth > maxChainDepth) {
    throw new UsageError(`Profile "${profile.name}": the source_profile chain is deeper than ${maxChainDepth} hops.`, 'Check source_profile for a cycle.')
  }
  if (profile.kind === 'static') {
    const {accessKeyId, secretAccessKey, sessionToken} = profile
    return async () => ({accessKeyId, secretAccessKey, sessionToken: sessionToken ?? '', expiresAt: Number.POSITIVE_INFINITY})
  }
  if (profile.kind === 'environment') return environmentKeys(profile.name, deps.env)
  if (profile.settings.mfa_serial) {
    throw new UsageError(`Profile "${profile.name}" sets mfa_serial; keyless does not support MFA-protected roles.`, 'Remove mfa_serial or use the AWS CLI for this profile.')
  }
  const lock: LockRunner = deps.lock ?? ((name, fn) => withLock(name, fn, {dir: deps.paths.lockDir, timeoutMs: lockTimeoutMs}))
  const key = credentialKey(credentialSpec(profile, deps.env)) as string
  const options = {
    store: deps.store,
    key,
    now: deps.now,
    lock,
    warn: (message: string) => deps.stderr.write(`keyless: ${message}\n`),
    failures: failureRecord(deps.paths.lockDir, lockName(key)),
    ...(deps.startedAt === undefined ? {} : {since: deps.startedAt}),
  }
  if (profile.kind === 'sso') return cached(ssoRoleProvider(profile, deps), options)
  const region = profile.region ?? regionOf(profile.source) ?? 'us-east-1'
  const source = credentialProvider(profile.source, deps, depth + 1)
  return cached(assumeRoleProvider({profile, source, region}, deps), options)
}

function regionOf(profile: ResolvedProfile): string | undefined {
  if (profile.region) return profile.region
  if (profile.kind === 'sso') return profile.session.region
  if (profile.kind === 'chain') return regionOf(profile.source)
  return undefined
}

/** credential_source = Environment: the keys in keyless's environment (temporary ones with AWS_SESSION_TOKEN). */
function environmentKeys(name: string, env: NodeJS.ProcessEnv): CredentialProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim()
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim()
    if (!accessKeyId || !secretAccessKey) {
      throw new UsageError(
        `Profile "${name}" uses credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set.`,
        'Set them in the environment keyless runs in, or use source_profile.',
      )
    }
    const sessionToken = env.AWS_SESSION_TOKEN?.trim() ?? ''
    return {accessKeyId, secretAccessKey, sessionToken, expiresAt: Number.POSITIVE_INFINITY}
  }
}
