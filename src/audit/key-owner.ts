import {loadAwsConfig} from '../config/load-aws-config.js'
import {resolveProfile} from '../config/resolve-profile.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import {getCredentials} from '../credentials/get-credentials.js'
import {KeylessError} from '../errors.js'
import type {SigningCredentials} from '../util/aws-clients.js'
import {coveringProfiles, defaultCheckRegion} from './check-keys.js'
import {maskKeyId} from '../util/mask-key-id.js'

/** What IAM says about a long-lived key, learnt without using the key when a keyless profile allows. */
export interface KeyOwner {
  /** Masked. */
  keyId: string
  account: string
  userName: string
  status: 'Active' | 'Inactive' | 'Unknown'
  /** IAM's last-used record (ISO date, service, region); undefined = never used. */
  lastUsed?: {date: string; service: string; region: string}
  /** keyless profiles of the key's account (AdministratorAccess first). */
  coveredBy: string[]
  /** The profile the IAM reads were signed with; undefined = the key itself. */
  via?: string
  /** The key itself was used (it shows in IAM's last-used record and CloudTrail). */
  usedKeyItself: boolean
}

export interface KeyOwnerInput {
  key: {accessKeyId: string; secretAccessKey: string}
  /** `--via`: the profile to sign IAM calls with. */
  via?: string
}

function isIdentityCenter(s: Record<string, string>): boolean {
  return Boolean(s.keyless_account_id || s.sso_account_id)
}

function roleOf(s: Record<string, string>): string {
  return s.keyless_role_name || s.sso_role_name || ''
}

/** The profile's credentials for signing (via keyless's own credential chain). */
export async function profileSigning(name: string, deps: CredentialDeps): Promise<SigningCredentials> {
  const profile = resolveProfile(await loadAwsConfig(deps.paths), name)
  const c = await getCredentials(profile, deps)
  return {accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? {sessionToken: c.sessionToken} : {})}
}

/**
 * Who owns a key and what IAM records about it. The account comes from STS GetAccessKeyInfo signed
 * by any Identity Center profile of the config (`--via` first); the IAM reads (GetAccessKeyLastUsed,
 * ListAccessKeys) go through `--via` or the covering profile (AdministratorAccess first, ReadOnlyAccess
 * suffices). Only when no profile can ask is the key itself used, and the result says so: every
 * call made with a key is a use in IAM's record and in CloudTrail.
 */
export async function keyOwner(input: KeyOwnerInput, deps: CredentialDeps): Promise<KeyOwner> {
  const config = await loadAwsConfig(deps.paths)
  const profiles = config.profiles
  const identityCenter = Object.keys(profiles).filter((p) => isIdentityCenter(profiles[p])).sort()
  const asker = input.via ?? identityCenter[0]
  const keySigning: SigningCredentials = {accessKeyId: input.key.accessKeyId, secretAccessKey: input.key.secretAccessKey}
  let usedKeyItself = false
  let account: string
  const [{GetAccessKeyInfoCommand, GetCallerIdentityCommand}, iamSdk] = await Promise.all([import('@aws-sdk/client-sts'), import('@aws-sdk/client-iam')])
  if (asker) {
    const sts = await deps.clients.sts(defaultCheckRegion, await profileSigning(asker, deps))
    try {
      account = (await sts.send(new GetAccessKeyInfoCommand({AccessKeyId: input.key.accessKeyId}))).Account ?? ''
    } finally {
      sts.destroy()
    }
  } else {
    const sts = await deps.clients.sts(defaultCheckRegion, keySigning)
    try {
      account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? ''
      usedKeyItself = true
    } finally {
      sts.destroy()
    }
  }
  const coveredBy = coveringProfiles(account, profiles).sort((a, b) => Number(roleOf(profiles[b]) === 'AdministratorAccess') - Number(roleOf(profiles[a]) === 'AdministratorAccess'))
  const via = input.via ?? coveredBy[0]
  const iam = await deps.clients.iam(via ? await profileSigning(via, deps) : keySigning)
  if (!via) usedKeyItself = true
  try {
    const used = await iam.send(new iamSdk.GetAccessKeyLastUsedCommand({AccessKeyId: input.key.accessKeyId}))
    const userName = used.UserName ?? ''
    const record = used.AccessKeyLastUsed
    const listed = await iam.send(new iamSdk.ListAccessKeysCommand({UserName: userName}))
    const status = listed.AccessKeyMetadata?.find((k) => k.AccessKeyId === input.key.accessKeyId)?.Status
    return {
      keyId: maskKeyId(input.key.accessKeyId),
      account,
      userName,
      status: status === 'Active' || status === 'Inactive' ? status : 'Unknown',
      ...(record?.LastUsedDate ? {lastUsed: {date: record.LastUsedDate.toISOString(), service: record.ServiceName ?? '', region: record.Region ?? ''}} : {}),
      coveredBy,
      ...(via ? {via} : {}),
      usedKeyItself,
    }
  } catch (error) {
    const e = error as {name?: string; message?: string}
    if (e.name === 'AccessDenied') {
      throw new KeylessError(`IAM denied reading key ${maskKeyId(input.key.accessKeyId)} through ${via ? `profile ${via}` : 'the key itself'}: ${(e.message ?? '').split('\n')[0]}`, {
        code: 'AccessDenied',
        exit: 4,
        hint: `Pass --via with a profile of account ${account} that may read IAM (ReadOnlyAccess or AdministratorAccess).`,
      })
    }
    throw error
  } finally {
    iam.destroy()
  }
}
