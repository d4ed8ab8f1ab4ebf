import {createHash, randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'
import type {EmulatorState, Registration} from './emulator-state.js'
import {randomIds} from './random-ids.js'
import {wire} from './wire.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const REFRESH_SCOPE = 'sso:account:access'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

type Json = Record<string, unknown>

function parseJson(body: string): Json | undefined {
  try {
    const value: unknown = body ? JSON.parse(body) : {}
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined
  } catch {
    return undefined
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined)
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

const invalidRequest = (res: ServerResponse, description: string) =>
  wire.oidcError(res, 400, 'InvalidRequestException', 'invalid_request', description)
const invalidClient = (res: ServerResponse, description = 'Invalid client provided') =>
  wire.oidcError(res, 401, 'InvalidClientException', 'invalid_client', description)
const invalidGrant = (res: ServerResponse, description: string) =>
  wire.oidcError(res, 400, 'InvalidGrantException', 'invalid_grant', description)

/** Checks clientId + clientSecret; answers the error itself and returns undefined when they fail. */
function authenticateClient(ctx: Ctx, input: Json): Registration | undefined {
  const clientId = str(input.clientId)
  const clientSecret = str(input.clientSecret)
  if (!clientId || !clientSecret) {
    invalidRequest(ctx.res, 'clientId and clientSecret are required')
    return undefined
  }
  const reg = ctx.state.registrations.get(clientId)
  if (!reg || reg.clientSecret !== clientSecret) {
    invalidClient(ctx.res)
    return undefined
  }
  if (reg.expiresAt <= ctx.state.now()) {
    invalidClient(ctx.res, 'Client registration has expired')
    return undefined
  }
  return reg
}

function issueTokens(ctx: Ctx, clientId: string, scopes: string[], signInId?: string): Json {
  const {state} = ctx
  const refreshable = scopes.includes(REFRESH_SCOPE)
  const id = signInId ?? randomUUID()
  if (!signInId) state.signIns.set(id, {id, clientId, scopes, ended: false})
  const lifetime = refreshable ? state.lifetimes.refreshableAccessTokenSeconds : state.lifetimes.accessTokenSeconds
  const accessToken = randomIds.token('aoa')
  state.accessTokens.set(accessToken, {signInId: id, expiresAt: state.now() + lifetime * 1000, revoked: false})
  const out: Json = {accessToken, tokenType: 'Bearer', expiresIn: lifetime}
  if (refreshable) {
    const refreshToken = randomIds.token('aor', 64)
    state.refreshTokens.set(refreshToken, {signInId: id, clientId})
    out.refreshToken = refreshToken
  }
  return out
}

/** POST /client/register */
export function registerClient(ctx: Ctx, body: string): void {
  const input = parseJson(body)
  if (!input) return invalidRequest(ctx.res, 'Malformed request body')
  const clientName = str(input.clientName)
  const clientType = str(input.clientType)
  if (!clientName || !clientType) return invalidRequest(ctx.res, 'clientName and clientType are required')
  if (clientType !== 'public') {
    return wire.oidcError(ctx.res, 400, 'InvalidClientMetadataException', 'invalid_client_metadata', `Invalid client type: ${clientType}`)
  }
  const grantTypes = strList(input.grantTypes)
  const redirectUris = strList(input.redirectUris)
  for (const uri of redirectUris) {
    if (!isLoopback(uri)) return wire.oidcError(ctx.res, 400, 'InvalidRedirectUriException', 'invalid_redirect_uri', `Invalid redirect uri: ${uri}`)
  }
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    return invalidRequest(ctx.res, 'redirectUris are required for the authorization_code grant')
  }
  const now = ctx.state.now()
  const reg: Registration = {
    clientId: randomIds.clientId(),
    clientSecret: randomIds.token('eyJraWQiOiJrZXktMTU2', 300),
    clientName,
    scopes: strList(input.scopes),
    grantTypes,
    redirectUris,
    expiresAt: now + ctx.state.lifetimes.registrationSeconds * 1000,
  }
  ctx.state.registrations.set(reg.clientId, reg)
  wire.json(ctx.res, 200, {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    clientIdIssuedAt: Math.floor(now / 1000),
    clientSecretExpiresAt: Math.floor(reg.expiresAt / 1000),
  })
}

/** POST /device_authorization */
export function startDeviceAuthorization(ctx: Ctx, body: string): void {
  const input = parseJson(body)
  if (!input) return invalidRequest(ctx.res, 'Malformed request body')
  const startUrl = str(input.startUrl)
  if (!startUrl) return invalidRequest(ctx.res, 'startUrl is required')
  const reg = authenticateClient(ctx, input)
  if (!reg) return
  const {state} = ctx
  const deviceCode = randomIds.token('', 64)
  let userCode = randomIds.userCode()
  while (state.userCodes.has(userCode)) userCode = randomIds.userCode()
  const {deviceCodeSeconds, deviceIntervalSeconds} = state.lifetimes
  state.devices.set(deviceCode, {
    deviceCode, userCode, clientId: reg.clientId, startUrl,
    expiresAt: state.now() + deviceCodeSeconds * 1000, intervalSeconds: deviceIntervalSeconds, state: 'pending',
  })
  state.userCodes.set(userCode, deviceCode)
  wire.json(ctx.res, 200, {
    deviceCode,
    userCode,
    verificationUri: `${state.url}/device`,
    verificationUriComplete: `${state.url}/device?user_code=${userCode}`,
    expiresIn: deviceCodeSeconds,
    interval: deviceIntervalSeconds,
  })
}

/** GET /device?user_code=… — the person in the browser approves (or denies, per setDeviceDecision). */
export function deviceApproval(ctx: Ctx, query: URLSearchParams): void {
  const {state} = ctx
  const userCode = query.get('user_code') ?? ''
  const device = state.devices.get(state.userCodes.get(userCode) ?? '')
  if (!device) return wire.text(ctx.res, 404, 'Unknown or missing user code\n')
  if (device.expiresAt <= state.now()) return wire.text(ctx.res, 400, 'This code has expired\n')
  if (device.state !== 'pending') return wire.text(ctx.res, 400, 'This code was already used\n')
  device.state = state.deviceDecision === 'approve' ? 'approved' : 'denied'
  wire.text(ctx.res, 200, `<html><body>Request ${device.state}. You can close this window.</body></html>\n`, 'text/html; charset=utf-8')
}

/** GET /authorize — the authorization code + PKCE front channel. */
export function authorize(ctx: Ctx, query: URLSearchParams): void {
  const {state} = ctx
  const clientId = query.get('client_id') ?? ''
  const redirectUri = query.get('redirect_uri') ?? ''
  const reg = state.registrations.get(clientId)
  // Errors before the redirect URI is trusted are shown to the person, never redirected.
  if (!reg || reg.expiresAt <= state.now()) return wire.text(ctx.res, 400, 'Invalid client_id\n')
  if (!isLoopback(redirectUri) || !reg.redirectUris.some((r) => sameLoopbackTarget(r, redirectUri))) {
    return wire.text(ctx.res, 400, 'Invalid redirect_uri\n')
  }
  const target = new URL(redirectUri)
  const stateParam = query.get('state')
  const fail = (error: string, description: string) => {
    target.searchParams.set('error', error)
    target.searchParams.set('error_description', description)
    if (stateParam !== null) target.searchParams.set('state', stateParam)
    wire.redirect(ctx.res, target.toString())
  }
  if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code')
  const challenge = query.get('code_challenge')
  if (!challenge || query.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'PKCE with S256 is required')
  if (!reg.grantTypes.includes('authorization_code')) return fail('unauthorized_client', 'Client is not registered for authorization_code')
  if (state.deviceDecision === 'deny') return fail('access_denied', 'The user denied the request')
  const scopes = (query.get('scopes') ?? query.get('scope') ?? '').split(/[\s,]+/).filter(Boolean)
  const code = randomIds.token('', 32)
  state.authorizationCodes.set(code, {
    code, clientId, redirectUri, codeChallenge: challenge,
    scopes: scopes.length > 0 ? scopes : reg.scopes, expiresAt: state.now() + 600_000, used: false,
  })
  target.searchParams.set('code', code)
  if (stateParam !== null) target.searchParams.set('state', stateParam)
  wire.redirect(ctx.res, target.toString())
}

/** POST /token — returns the grant name for the per-grant counter. */
export function createTokenGrant(body: string): string {
  const grant = str(parseJson(body)?.grantType) ?? 'unknown'
  return grant === DEVICE_GRANT ? 'device_code' : grant
}

/** POST /token */
export function createToken(ctx: Ctx, body: string): void {
  const input = parseJson(body)
  if (!input) return invalidRequest(ctx.res, 'Malformed request body')
  const grantType = str(input.grantType)
  if (!grantType) return invalidRequest(ctx.res, 'grantType is required')
  const reg = authenticateClient(ctx, input)
  if (!reg) return
  const {state} = ctx
  const now = state.now()
  switch (grantType) {
    case DEVICE_GRANT: {
      const deviceCode = str(input.deviceCode)
      if (!deviceCode) return invalidRequest(ctx.res, 'deviceCode is required')
      const device = state.devices.get(deviceCode)
      if (!device || device.clientId !== reg.clientId || device.state === 'used') return invalidGrant(ctx.res, 'Invalid grant provided')
      if (device.expiresAt <= now) {
        return wire.oidcError(ctx.res, 400, 'ExpiredTokenException', 'expired_token', 'Device code has expired')
      }
      if (device.state === 'denied') {
        return wire.oidcError(ctx.res, 400, 'AccessDeniedException', 'access_denied', 'Authorization request was denied by the user')
      }
      if (device.state === 'pending') {
        const t = performance.now()
        const early = device.lastPollAt !== undefined && t - device.lastPollAt < device.intervalSeconds * 1000 - 50
        device.lastPollAt = t
        if (early) return wire.oidcError(ctx.res, 400, 'SlowDownException', 'slow_down', 'Client is polling too quickly')
        return wire.oidcError(ctx.res, 400, 'AuthorizationPendingException', 'authorization_pending', 'Authorization is still pending')
      }
      device.state = 'used'
      return wire.json(ctx.res, 200, issueTokens(ctx, reg.clientId, reg.scopes))
    }
    case 'refresh_token': {
      if (!reg.grantTypes.includes('refresh_token') && !reg.scopes.includes(REFRESH_SCOPE)) {
        return wire.oidcError(ctx.res, 400, 'UnauthorizedClientException', 'unauthorized_client', 'Client is not authorized for refresh_token')
      }
      const refreshToken = str(input.refreshToken)
      if (!refreshToken) return invalidRequest(ctx.res, 'refreshToken is required')
      const issued = state.refreshTokens.get(refreshToken)
      const signIn = issued ? state.signIns.get(issued.signInId) : undefined
      if (!issued || !signIn || signIn.ended || issued.clientId !== reg.clientId) return invalidGrant(ctx.res, 'Invalid refresh token provided')
      return wire.json(ctx.res, 200, issueTokens(ctx, reg.clientId, signIn.scopes, signIn.id))
    }
    case 'authorization_code': {
      const code = str(input.code)
      const redirectUri = str(input.redirectUri)
      const verifier = str(input.codeVerifier)
      if (!code || !redirectUri || !verifier) return invalidRequest(ctx.res, 'code, redirectUri and codeVerifier are required')
      const issued = state.authorizationCodes.get(code)
      if (!issued || issued.used || issued.clientId !== reg.clientId || issued.expiresAt <= now) {
        return invalidGrant(ctx.res, 'Invalid authorization code provided')
      }
      issued.used = true
      if (issued.redirectUri !== redirectUri) return invalidGrant(ctx.res, 'redirectUri does not match the authorization request')
      const computed = createHash('sha256').update(verifier).digest('base64url')
      if (computed !== issued.codeChallenge) return invalidGrant(ctx.res, 'Code verifier does not match the code challenge')
      return wire.json(ctx.res, 200, issueTokens(ctx, reg.clientId, issued.scopes))
    }
    default:
      return wire.oidcError(ctx.res, 400, 'UnsupportedGrantTypeException', 'unsupported_grant_type', `Unsupported grant type: ${grantType}`)
  }
}

function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri)
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]' || u.hostname === 'localhost')
  } catch {
    return false
  }
}

/** RFC 8252 §7.3: a loopback redirect matches whatever port the client picks at run time. */
function sameLoopbackTarget(registered: string, actual: string): boolean {
  const a = new URL(registered)
  const b = new URL(actual)
  return a.hostname === b.hostname && a.pathname === b.pathname
}
