import type {ResolvedProfile} from '../config/profile-types.js'
import {UsageError} from '../errors.js'

/**
 * What determines a profile's credentials, and nothing else: the cache key is derived from it.
 * The full path builds it from a ResolvedProfile; the credential-process fast path builds the same
 * thing from a minimal read of the config file.
 */
export type CredentialSpec =
  | {kind: 'sso'; session: string; accountId: string; roleName: string}
  | {kind: 'static'; accessKeyId: string}
  /** credential_source = Environment: the key id of AWS_ACCESS_KEY_ID ('' when unset). */
  | {kind: 'environment'; accessKeyId: string}
  | {
      kind: 'chain'
      roleArn: string
      externalId?: string
      roleSessionName?: string
      durationSeconds?: number
      sourceIdentity?: string
      /** [key, value] in the order written. */
      sessionTags?: Array<[string, string]>
      transitiveTagKeys?: string[]
      source: CredentialSpec
    }

/** Deeper than this is certainly a cycle (the config layer refuses cycles; this guards any other caller). */
export const maxChainDepth = 16

/** `env` gives the key id of a credential_source = Environment chain (its credentials depend on it). */
export function credentialSpec(profile: ResolvedProfile, env: NodeJS.ProcessEnv = {}, depth = 0): CredentialSpec {
  if (depth > maxChainDepth) {
    throw new UsageError(`Profile "${profile.name}": the source_profile chain is deeper than ${maxChainDepth} hops.`, 'Check source_profile for a cycle.')
  }
  switch (profile.kind) {
    case 'sso':
      return {kind: 'sso', session: profile.session.name, accountId: profile.accountId, roleName: profile.roleName}
    case 'static':
      return {kind: 'static', accessKeyId: profile.accessKeyId}
    case 'environment':
      return {kind: 'environment', accessKeyId: env.AWS_ACCESS_KEY_ID?.trim() ?? ''}
    case 'chain':
      return {
        kind: 'chain',
        roleArn: profile.roleArn,
        ...(profile.externalId === undefined ? {} : {externalId: profile.externalId}),
        ...(profile.roleSessionName === undefined ? {} : {roleSessionName: profile.roleSessionName}),
        ...(profile.durationSeconds === undefined ? {} : {durationSeconds: profile.durationSeconds}),
        ...(profile.sourceIdentity === undefined ? {} : {sourceIdentity: profile.sourceIdentity}),
        ...(profile.sessionTags === undefined ? {} : {sessionTags: profile.sessionTags.map((t): [string, string] => [t.key, t.value])}),
        ...(profile.transitiveTagKeys === undefined ? {} : {transitiveTagKeys: profile.transitiveTagKeys}),
        source: credentialSpec(profile.source, env, depth + 1),
      }
  }
}
