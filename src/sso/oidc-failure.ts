import {ExitCode, KeylessError} from '../errors.js'
import {classifyAwsError, networkFailure} from '../util/classify-aws-error.js'
import {describeOidcError} from './oidc-error.js'

/**
 * Turns an unexpected failure of an OIDC or portal call into one clear line: what failed, the
 * error name and description from the wire, and what to do. Network faults get exit code 6.
 */
export function oidcFailure(action: string, error: unknown, hint?: string): KeylessError {
  if (error instanceof KeylessError) return error
  const facts = classifyAwsError(error)
  if (facts.kind === 'network') {
    const code = facts.code ?? facts.name
    const where = facts.endpoint ? ` at ${facts.endpoint}` : ''
    return new KeylessError(`${action} failed: cannot reach the sign-in service${where} (${code}).`, {
      code: 'Network',
      exit: ExitCode.network,
      hint: 'Check the network (and AWS_ENDPOINT_URL_SSO_OIDC if set), then try again.',
      cause: error,
    })
  }
  // A proxy's page, throttling or a 5xx: exit 6, as for every other AWS call.
  const network = networkFailure(error, 'the sign-in service', action.charAt(0).toLowerCase() + action.slice(1), facts)
  if (network) return network
  return new KeylessError(`${action} failed (${describeOidcError(error)}).`, {code: 'Oidc', hint, cause: error})
}

/** The access token of a CreateToken answer; an answer without one is a failure of `action`. */
export function requireAccessToken(out: {accessToken?: string}, action: string): string {
  if (!out.accessToken) throw oidcFailure(action, {name: 'InvalidResponse', error_description: 'no access token in the answer'})
  return out.accessToken
}
