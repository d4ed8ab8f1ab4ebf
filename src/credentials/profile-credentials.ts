import {loadAwsConfig} from '../config/load-aws-config.js'
import type {ResolvedProfile} from '../config/profile-types.js'
import {resolveProfile} from '../config/resolve-profile.js'
import type {CredentialDeps} from './credential-deps.js'
import type {AwsCredentials} from './credential-types.js'
import {getCredentials} from './get-credentials.js'

/** Loads the AWS config (with the SDK's loader), resolves `name` and returns its credentials. */
export async function profileCredentials(name: string, deps: CredentialDeps): Promise<{profile: ResolvedProfile; credentials: AwsCredentials}> {
  const profile = resolveProfile(await loadAwsConfig(deps.paths), name)
  return {profile, credentials: await getCredentials(profile, deps)}
}
