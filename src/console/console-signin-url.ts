import type {AwsCredentials} from '../credentials/credential-types.js'
import {ExitCode, KeylessError} from '../errors.js'

export interface SigninUrlInput {
  credentials: AwsCredentials
  /** The federation endpoint (federationEndpoint). */
  endpoint: string
  /** The console URL to land on (consoleDestination). */
  destination: string
  /**
   * Console session length, only for credentials AWS accepts it for (SSO role credentials); AWS
   * rejects SessionDuration for sessions from AssumeRole (role chaining), so omit it there.
   */
  sessionDurationSeconds?: number
  issuer?: string
}

export interface SigninUrlDeps {
  fetch: typeof fetch
}

/**
 * A console sign-in URL: getSigninToken with the temporary credentials, then the Action=login URL
 * with the token and destination. The URL itself signs in (for 15 minutes): treat it as a secret.
 */
export async function consoleSigninUrl(input: SigninUrlInput, deps: SigninUrlDeps): Promise<string> {
  const session = JSON.stringify({
    sessionId: input.credentials.accessKeyId,
    sessionKey: input.credentials.secretAccessKey,
    sessionToken: input.credentials.sessionToken,
  })
  const query = new URLSearchParams({Action: 'getSigninToken'})
  if (input.sessionDurationSeconds !== undefined) query.set('SessionDuration', String(input.sessionDurationSeconds))
  query.set('Session', session)
  let response: Response
  try {
    response = await deps.fetch(`${input.endpoint}?${query}`, {headers: {accept: 'application/json'}})
  } catch (error) {
    throw new KeylessError(`Cannot reach the AWS sign-in service at ${new URL(input.endpoint).host}: ${(error as Error).message}.`, {
      code: 'Network',
      exit: ExitCode.network,
      hint: 'Check the network and try again.',
      cause: error,
    })
  }
  const body = await response.text()
  let token: string | undefined
  try {
    token = (JSON.parse(body) as {SigninToken?: string}).SigninToken
  } catch {
    token = undefined
  }
  if (!response.ok || !token) {
    const reason = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160)
    throw new KeylessError(`The AWS sign-in service refused a console sign-in token (HTTP ${response.status}${reason ? `: ${reason}` : ''}).`, {
      code: 'ConsoleSigninFailed',
      exit: response.status >= 500 ? ExitCode.network : ExitCode.accessDenied,
      hint: 'Check that the role may use the console; for a role chain, console sessions last at most an hour.',
    })
  }
  const login = new URLSearchParams({Action: 'login', Issuer: input.issuer ?? 'keyless', Destination: input.destination, SigninToken: token})
  return `${input.endpoint}?${login}`
}
