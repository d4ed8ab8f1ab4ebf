import type {SsoRoleProfile} from '../config/profile-types.js'
import {KeylessError, LoginRequiredError} from '../errors.js'
import type {CredentialProvider} from './cached.js'
import type {CredentialDeps} from './credential-deps.js'
import type {AwsCredentials} from './credential-types.js'
import {isUnauthorized, toCredentialError} from './to-credential-error.js'

/**
 * GetRoleCredentials for the profile's account and role, with the session's portal token. A 401 on
 * a token that looked valid invalidates it and tries once more (the token provider refreshes or
 * logs in once); a 403 ForbiddenException becomes an AccessDeniedError naming account and role.
 */
export function ssoRoleProvider(profile: SsoRoleProfile, deps: CredentialDeps): CredentialProvider {
  const {session, accountId, roleName} = profile
  const context = {
    service: 'the SSO portal',
    target: `role ${roleName} in account ${accountId} (session ${session.name})`,
    deniedHint: `Check that this role is assigned to you (\`keyless list --refresh\`) and fix profile "${profile.name}".`,
  }
  return async () => {
    const [{GetRoleCredentialsCommand}, client] = await Promise.all([import('@aws-sdk/client-sso'), deps.clients.portal(session.region)])
    let token = await deps.tokens.get(session)
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await client.send(new GetRoleCredentialsCommand({accessToken: token.accessToken, accountId, roleName}))
        return roleCredentials(output.roleCredentials, context.target)
      } catch (error) {
        if (attempt === 1 && isUnauthorized(error)) {
          await deps.tokens.invalidate(session, token)
          token = await deps.tokens.get(session)
          continue
        }
        if (isUnauthorized(error)) throw new LoginRequiredError(session.name, 'the SSO portal rejects its token')
        throw toCredentialError(error, context)
      }
    }
  }
}

function roleCredentials(
  value: {accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; expiration?: number} | undefined,
  target: string,
): AwsCredentials {
  if (!value?.accessKeyId || !value.secretAccessKey || !value.sessionToken || !value.expiration) {
    throw new KeylessError(`The SSO portal returned incomplete credentials for ${target}.`)
  }
  return {
    accessKeyId: value.accessKeyId,
    secretAccessKey: value.secretAccessKey,
    sessionToken: value.sessionToken,
    expiresAt: value.expiration,
  }
}
