import type {ChainedRoleProfile} from '../config/profile-types.js'
import {KeylessError} from '../errors.js'
import type {CredentialProvider} from './cached.js'
import type {CredentialDeps} from './credential-deps.js'
import type {AwsCredentials} from './credential-types.js'
import {toCredentialError} from './to-credential-error.js'

/** AWS caps a role-chaining session (AssumeRole signed with temporary credentials) at one hour. */
export const roleChainingMaxSeconds = 3600

export interface AssumeRoleInput {
  profile: ChainedRoleProfile
  /** Produces the credentials AssumeRole is signed with (the source profile's, cached). */
  source: CredentialProvider
  /** The region of the STS client (signing region). */
  region: string
}

/** STS AssumeRole for one hop of a role chain, signed with the source's credentials. */
export function assumeRoleProvider(input: AssumeRoleInput, deps: CredentialDeps): CredentialProvider {
  const {profile, source, region} = input
  const context = {
    service: 'AWS STS',
    target: `AssumeRole ${profile.roleArn} (profile ${profile.name})`,
    deniedHint: `Check the role's trust policy${profile.externalId ? ' and external_id' : ''}${profile.sessionTags || profile.sourceIdentity ? ' (sts:TagSession / sts:SetSourceIdentity for session tags and source_identity)' : ''}, and the source profile's permissions.`,
  }
  return async () => {
    const signing = await source()
    const durationSeconds = chainedDuration(profile, signing, deps)
    const [{AssumeRoleCommand}, client] = await Promise.all([
      import('@aws-sdk/client-sts'),
      deps.clients.sts(region, {
        accessKeyId: signing.accessKeyId,
        secretAccessKey: signing.secretAccessKey,
        ...(signing.sessionToken ? {sessionToken: signing.sessionToken} : {}),
      }),
    ])
    try {
      const output = await client.send(
        new AssumeRoleCommand({
          RoleArn: profile.roleArn,
          RoleSessionName: profile.roleSessionName ?? `keyless-${Math.floor(deps.now() / 1000)}`,
          ...(profile.externalId === undefined ? {} : {ExternalId: profile.externalId}),
          ...(durationSeconds === undefined ? {} : {DurationSeconds: durationSeconds}),
          ...(profile.sourceIdentity === undefined ? {} : {SourceIdentity: profile.sourceIdentity}),
          ...(profile.sessionTags === undefined ? {} : {Tags: profile.sessionTags.map((t) => ({Key: t.key, Value: t.value}))}),
          ...(profile.transitiveTagKeys === undefined ? {} : {TransitiveTagKeys: profile.transitiveTagKeys}),
        }),
      )
      const c = output.Credentials
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new KeylessError(`AWS STS returned incomplete credentials for ${context.target}.`)
      }
      return {accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiresAt: c.Expiration.getTime()}
    } catch (error) {
      throw toCredentialError(error, context)
    }
  }
}

/** duration_seconds, capped at one hour when the source is itself temporary (role chaining). */
function chainedDuration(profile: ChainedRoleProfile, signing: AwsCredentials, deps: CredentialDeps): number | undefined {
  const asked = profile.durationSeconds
  if (asked === undefined || !signing.sessionToken || asked <= roleChainingMaxSeconds) return asked
  deps.stderr.write(
    `keyless: profile "${profile.name}" asks for duration_seconds = ${asked}, but AWS caps role chaining at ${roleChainingMaxSeconds}; using ${roleChainingMaxSeconds}.\n`,
  )
  return roleChainingMaxSeconds
}
