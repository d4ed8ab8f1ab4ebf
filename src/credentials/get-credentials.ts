import type {ResolvedProfile} from '../config/profile-types.js'
import {UsageError} from '../errors.js'
import {failureRecord} from '../lock/failure-record.js'
import {lockName} from '../lock/lock-name.js'
import {withLock, type LockRunner} from '../lock/with-lock.js'
import {SIGN_IN_LOCK_TIMEOUT_MS} from '../sso/token-provider.js'
import {callBudgetMs} from '../util/aws-clients.js'
import {assumeRoleProvider} from './assume-role-provider.js'
import {cached, type CredentialProvider} from './cached.js'
import type {CredentialDeps} from './credential-deps.js'
import {credentialKey} from './credential-key.js'
import {credentialSpec, maxChainDepth} from './credential-spec.js'
import type {AwsCredentials} from './credential-types.js'
import {sessionTokenProvider, type LongLivedKey} from './session-token-provider.js'
import {ssoRoleProvider} from './sso-role-provider.js'
import {readUserKey} from './user-key.js'
import {storeKeys} from '../store/keys.js'


/**
 * The credentials of a profile: an SSO role (GetRoleCredentials) or a role chain (AssumeRole per
 * hop, down to an SSO role or static keys), each hop cached in the secret store and fetched at
 * most once at a time across processes.
 */
export async function getCredentials(profile: ResolvedProfile, deps: CredentialDeps, options: {windowMs?: number} = {}): Promise<AwsCredentials> {
  if (profile.kind === 'static') {
    throw new UsageError(
      `Profile "${profile.name}" holds long-lived access keys; keyless serves SSO roles and role chains.`,
      'Use it as the source_profile of a role, or move to an SSO profile (`keyless audit` helps).',
    )
  }
  return credentialProvider(profile, deps, 0, options.windowMs)()
}

/**
 * Why keyless refuses to serve one hop of a profile although it resolves (undefined: it serves it):
 * mfa_serial on an Identity Center role, or on a chain whose source is not an IAM user key.
 */
function hopRefusal(profile: ResolvedProfile): UsageError | undefined {
  if (profile.kind === 'sso' && profile.settings.mfa_serial) {
    return new UsageError(`Profile "${profile.name}" sets mfa_serial on an Identity Center role, which has no MFA of its own.`, 'Remove mfa_serial (Identity Center asks for MFA at sign-in).')
  }
  if (profile.kind === 'chain' && profile.mfaSerial && profile.source.kind !== 'stored-key' && profile.source.kind !== 'static') {
    return new UsageError(
      `Profile "${profile.name}" sets mfa_serial, but its source_profile "${profile.source.name}" is not an IAM user key.`,
      'mfa_serial applies to a role assumed from an IAM user key (keyless_stored_key); remove it here.',
    )
  }
  return undefined
}

/** Why keyless refuses to serve a resolved profile (any hop of its chain), or undefined: the picker leaves such profiles out. */
export function servingRefusal(profile: ResolvedProfile): UsageError | undefined {
  const own = hopRefusal(profile)
  if (own) return own
  return profile.kind === 'chain' && !profile.mfaSerial ? servingRefusal(profile.source) : undefined
}

/**
 * The composed provider for a profile (exported for the exec credential server and tests).
 * `windowMs` replaces the 15-minute reuse window of the profile's own hop (the agent's refresh
 * ahead asks for anything newer than what it holds); the hops below keep theirs.
 */
export function credentialProvider(profile: ResolvedProfile, deps: CredentialDeps, depth = 0, windowMs?: number): CredentialProvider {
  if (depth > maxChainDepth) {
    throw new UsageError(`Profile "${profile.name}": the source_profile chain is deeper than ${maxChainDepth} hops.`, 'Check source_profile for a cycle.')
  }
  if (profile.kind === 'static') {
    const {accessKeyId, secretAccessKey, sessionToken} = profile
    return async () => ({accessKeyId, secretAccessKey, sessionToken: sessionToken ?? '', expiresAt: Number.POSITIVE_INFINITY})
  }
  if (profile.kind === 'environment') return environmentKeys(profile.name, deps.env)
  const refused = hopRefusal(profile)
  if (refused) throw refused
  const lock: LockRunner = deps.lock ?? ((name, fn) => withLock(name, fn, {dir: deps.paths.lockDir, ...credentialLockTimes(profile, deps)}))
  const key = credentialKey(credentialSpec(profile, deps.env)) as string
  const options = {
    store: deps.store,
    key,
    now: deps.now,
    lock,
    windowMs,
    warn: (message: string) => deps.stderr.write(`keyless: ${message}\n`),
    // With the cross-process lock (not an injected one), the failure record beside it.
    ...(deps.lock ? {} : {failures: failureRecord(deps.paths.lockDir, lockName('credentials', key))}),
    ...(deps.startedAt === undefined ? {} : {since: deps.startedAt}),
  }
  if (profile.kind === 'sso') return cached(ssoRoleProvider(profile, deps), options)
  if (profile.kind === 'stored-key') {
    const mfa = profile.mfaSerial ? {serial: profile.mfaSerial, mfaProcess: profile.settings.mfa_process} : undefined
    return cached(sessionTokenProvider({profile: profile.name, key: storedKey(profile.keyName, profile.name, deps), mfa, durationSeconds: profile.durationSeconds, region: profile.region ?? 'us-east-1'}, deps), options)
  }
  const region = profile.region ?? regionOf(profile.source) ?? 'us-east-1'
  const source = profile.mfaSerial ? mfaSessionSource(profile, deps, lock) : credentialProvider(profile.source, deps, depth + 1)
  return cached(assumeRoleProvider({profile, source, region}, deps), options)
}

function storedKey(keyName: string, profile: string, deps: CredentialDeps): () => Promise<LongLivedKey> {
  return async () => {
    const item = await readUserKey(deps.store, keyName, profile)
    return {accessKeyId: item.accessKeyId, secretAccessKey: item.secretAccessKey}
  }
}

/**
 * The source of a role chain with mfa_serial: an MFA-backed GetSessionToken session of the source's
 * long-lived key (stored or static), cached like any credential. AWS counts AssumeRole from it as
 * role chaining: at most one hour (assumeRoleProvider says so when more is asked).
 */
function mfaSessionSource(profile: Extract<ResolvedProfile, {kind: 'chain'}>, deps: CredentialDeps, lock: LockRunner): CredentialProvider {
  const source = profile.source
  if (source.kind !== 'stored-key' && source.kind !== 'static') throw hopRefusal(profile) as UsageError
  const serial = profile.mfaSerial!
  const mfaProcess = profile.settings.mfa_process ?? source.settings.mfa_process
  const key = source.kind === 'stored-key'
    ? storedKey(source.keyName, source.name, deps)
    : async () => ({accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey})
  const name = source.kind === 'stored-key' ? source.keyName : `static-${source.accessKeyId}`
  const duration = source.kind === 'stored-key' ? source.durationSeconds : undefined
  return cached(sessionTokenProvider({profile: profile.name, key, mfa: {serial, mfaProcess}, durationSeconds: duration, region: source.region ?? 'us-east-1'}, deps), {
    store: deps.store,
    key: storeKeys.userSession(name, true),
    now: deps.now,
    lock,
    warn: (message: string) => deps.stderr.write(`keyless: ${message}\n`),
  })
}

/**
 * How long the holder of a credential lock can take, and how long a waiter waits. The rule: a
 * waiter waits as long as the holder could take, and no longer. A holder that may sign in (in a
 * browser) or ask for an MFA code (a person typing, or mfa_process) can take
 * SIGN_IN_LOCK_TIMEOUT_MS; beyond that it only makes bounded network calls — per SSO hop a
 * refresh, GetRoleCredentials, and after a 401 a second refresh and GetRoleCredentials (4 calls);
 * per role-chain hop one AssumeRole; per stored key one GetSessionToken — each at most one call
 * budget (connect and request timeouts times attempts, plus backoff). The holder records its bound
 * in the lock; a waiter's own timeout (the sign-in bound plus the calls) is the fallback for an old
 * holder.
 */
export function credentialLockTimes(profile: ResolvedProfile, deps: CredentialDeps): {timeoutMs: number; holdMs: number} {
  const calls = countCalls(profile)
  const networkMs = calls.total * (deps.clients.callBudgetMs ?? callBudgetMs())
  const person = (calls.sso > 0 && deps.tokens.mayLogIn !== false) || calls.mfa > 0 ? SIGN_IN_LOCK_TIMEOUT_MS : 0
  return {timeoutMs: SIGN_IN_LOCK_TIMEOUT_MS + networkMs, holdMs: person + networkMs}
}

function countCalls(profile: ResolvedProfile): {total: number; sso: number; mfa: number} {
  if (profile.kind === 'sso') return {total: 4, sso: 1, mfa: 0}
  if (profile.kind === 'stored-key') return {total: 1, sso: 0, mfa: profile.mfaSerial ? 1 : 0}
  if (profile.kind === 'chain') {
    const inner = countCalls(profile.source)
    return {total: inner.total + 1, sso: inner.sso, mfa: inner.mfa + (profile.mfaSerial ? 1 : 0)}
  }
  return {total: 0, sso: 0, mfa: 0}
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
