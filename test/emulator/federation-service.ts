import type {ServerResponse} from 'node:http'
import type {EmulatorState} from './emulator-state.js'
import {randomIds} from './random-ids.js'
import {wire} from './wire.js'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

const SIGNIN_TOKEN_SECONDS = 15 * 60

/** The operation name (for counters and faults) of a GET /federation request. */
export function federationOperation(query: URLSearchParams): string {
  const action = query.get('Action')
  return action === 'getSigninToken' ? 'GetSigninToken' : action === 'login' ? 'ConsoleLogin' : 'Federation'
}

/**
 * The console federation endpoint (https://signin.aws.amazon.com/federation):
 * `Action=getSigninToken&Session={"sessionId","sessionKey","sessionToken"}[&SessionDuration]` and
 * `Action=login&Issuer&Destination&SigninToken` (302 to Destination).
 */
export function federationService(ctx: Ctx, query: URLSearchParams): void {
  const {state, res} = ctx
  const action = query.get('Action')
  if (action === 'getSigninToken') {
    let session: {sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown}
    try {
      session = JSON.parse(query.get('Session') ?? '')
    } catch {
      return wire.text(res, 400, 'Bad Request: Session must be JSON\n')
    }
    const issued = typeof session.sessionId === 'string' ? state.credentials.get(session.sessionId) : undefined
    // Only temporary credentials can sign in to the console; the three parts must belong together.
    if (!issued || issued.sessionToken === undefined || issued.secretAccessKey !== session.sessionKey || issued.sessionToken !== session.sessionToken) {
      return wire.text(res, 400, 'Bad Request: invalid Session credentials\n')
    }
    if (issued.expiresAt !== undefined && issued.expiresAt <= state.now()) return wire.text(res, 400, 'Bad Request: the session credentials have expired\n')
    // GetSessionToken credentials cannot sign in to the console (only AssumeRole, GetFederationToken and SSO sessions can).
    if (issued.principal.kind === 'user-session') return wire.text(res, 400, 'Bad Request: credentials from GetSessionToken cannot be used for console sign-in\n')
    const durationRaw = query.get('SessionDuration')
    let sessionDurationSeconds = Math.max(0, Math.floor(((issued.expiresAt ?? state.now()) - state.now()) / 1000))
    if (durationRaw !== null) {
      // AWS refuses SessionDuration for sessions from AssumeRole (role chaining): it only fits SSO/federated credentials.
      if (issued.principal.kind === 'assumed') return wire.text(res, 400, 'Bad Request: SessionDuration is not supported for credentials from AssumeRole\n')
      const d = Number(durationRaw)
      if (!Number.isInteger(d) || d < 900 || d > 43_200) return wire.text(res, 400, 'Bad Request: SessionDuration must be between 900 and 43200\n')
      sessionDurationSeconds = d
    }
    const token = randomIds.token('', 96)
    state.signinTokens.set(token, {credentialKey: issued.accessKeyId, expiresAt: state.now() + SIGNIN_TOKEN_SECONDS * 1000, sessionDurationSeconds})
    return wire.json(res, 200, {SigninToken: token})
  }
  if (action === 'login') {
    const token = state.signinTokens.get(query.get('SigninToken') ?? '')
    const destination = query.get('Destination')
    if (!token || token.expiresAt <= state.now()) return wire.text(res, 400, 'Bad Request: invalid or expired SigninToken\n')
    if (!destination || !/^https?:\/\//.test(destination)) return wire.text(res, 400, 'Bad Request: Destination must be a URL\n')
    return wire.redirect(res, destination)
  }
  wire.text(res, 400, 'Bad Request: unknown Action\n')
}
