import {ExitCode, KeylessError} from '../errors.js'
import {describeOidcError, isNetworkError} from './oidc-error.js'

/**
 * Turns an unexpected failure of an OIDC or portal call into one clear line: what failed, the
 * error name and description from the wire, and what to do. Network faults get exit code 6.
 */
export function oidcFailure(action: string, error: unknown, hint?: string): KeylessError {
  if (error instanceof KeylessError) return error
  if (isNetworkError(error)) {
    const code = (error as {code?: string}).code
    return new KeylessError(`${action} failed: cannot reach the sign-in service${code ? ` (${code})` : ''}.`, {
      code: 'Network',
      exit: ExitCode.network,
      hint: 'Check the network (and AWS_ENDPOINT_URL_SSO_OIDC if set), then try again.',
      cause: error,
    })
  }
  return new KeylessError(`${action} failed (${describeOidcError(error)}).`, {code: 'Oidc', hint, cause: error})
}

/** The access token of a CreateToken answer; an answer without one is a failure of `action`. */
export function requireAccessToken(out: {accessToken?: string}, action: string): string {
  if (!out.accessToken) throw oidcFailure(action, {name: 'InvalidResponse', error_description: 'no access token in the answer'})
  return out.accessToken
}
