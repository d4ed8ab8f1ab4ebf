import type {ServerResponse} from 'node:http'
import type {EmulatorState, IssuedAccessToken} from './emulator-state.js'
import {randomIds} from './random-ids.js'
import {wire} from './wire.js'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

const BEARER_HEADER = 'x-amz-sso_bearer_token'
const DEFAULT_PAGE = 20
const MAX_PAGE = 100

/** Finds the caller's valid access token, or answers 401 UnauthorizedException and returns undefined. */
function authenticate(ctx: Ctx, headers: Record<string, string | string[] | undefined>): IssuedAccessToken | undefined {
  const raw = headers[BEARER_HEADER]
  const token = Array.isArray(raw) ? raw[0] : raw
  const issued = token ? ctx.state.accessTokens.get(token) : undefined
  const signIn = issued ? ctx.state.signIns.get(issued.signInId) : undefined
  if (!issued || !signIn || signIn.ended || issued.revoked) {
    wire.portalError(ctx.res, 401, 'UnauthorizedException', 'Session token not found or invalid')
    return undefined
  }
  if (issued.expiresAt <= ctx.state.now()) {
    wire.portalError(ctx.res, 401, 'UnauthorizedException', 'Session token not found or invalid')
    return undefined
  }
  return issued
}

/** Reads next_token / max_result; answers 400 and returns undefined when they are invalid. */
function page<T>(ctx: Ctx, query: URLSearchParams, items: T[]): {items: T[]; nextToken?: string} | undefined {
  const maxRaw = query.get('max_result')
  const max = maxRaw === null ? DEFAULT_PAGE : Number(maxRaw)
  if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) {
    wire.portalError(ctx.res, 400, 'InvalidRequestException', `Invalid max_result: must be between 1 and ${MAX_PAGE}`)
    return undefined
  }
  let start = 0
  const next = query.get('next_token')
  if (next) {
    const decoded = Buffer.from(next, 'base64url').toString('utf8')
    const match = /^page:(\d+)$/.exec(decoded)
    if (!match || Number(match[1]) > items.length) {
      wire.portalError(ctx.res, 400, 'InvalidRequestException', 'Invalid next_token')
      return undefined
    }
    start = Number(match[1])
  }
  const end = start + max
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(`page:${end}`).toString('base64url') : undefined,
  }
}

/** GET /assignment/accounts */
export function listAccounts(ctx: Ctx, headers: Record<string, string | string[] | undefined>, query: URLSearchParams): void {
  if (!authenticate(ctx, headers)) return
  const {org} = ctx.state
  const visible = org.accounts.filter((a) => (org.assignments[a.accountId] ?? []).length > 0)
  const result = page(ctx, query, visible)
  if (!result) return
  wire.json(ctx.res, 200, {
    accountList: result.items.map((a) => ({accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress})),
    ...(result.nextToken ? {nextToken: result.nextToken} : {}),
  })
}

/** GET /assignment/roles?account_id=… */
export function listAccountRoles(ctx: Ctx, headers: Record<string, string | string[] | undefined>, query: URLSearchParams): void {
  if (!authenticate(ctx, headers)) return
  const accountId = query.get('account_id')
  if (!accountId) return wire.portalError(ctx.res, 400, 'InvalidRequestException', 'account_id is required')
  const roles = ctx.state.org.assignments[accountId]
  if (!roles || roles.length === 0) return wire.portalError(ctx.res, 404, 'ResourceNotFoundException', 'Account not found or not assigned')
  const result = page(ctx, query, roles)
  if (!result) return
  wire.json(ctx.res, 200, {
    roleList: result.items.map((roleName) => ({roleName, accountId})),
    ...(result.nextToken ? {nextToken: result.nextToken} : {}),
  })
}

/** GET /federation/credentials?account_id=…&role_name=… */
export function getRoleCredentials(ctx: Ctx, headers: Record<string, string | string[] | undefined>, query: URLSearchParams): void {
  if (!authenticate(ctx, headers)) return
  const {state} = ctx
  const accountId = query.get('account_id')
  const roleName = query.get('role_name')
  if (!accountId || !roleName) return wire.portalError(ctx.res, 400, 'InvalidRequestException', 'account_id and role_name are required')
  // AWS answers 403 ForbiddenException "No access" for a role that is not assigned (not in the API model).
  if (!(state.org.assignments[accountId] ?? []).includes(roleName)) return wire.portalError(ctx.res, 403, 'ForbiddenException', 'No access')
  const reserved = `AWSReservedSSO_${roleName}_${randomIds.hex16(`${accountId}/${roleName}`)}`
  const userName = state.org.userName
  const accessKeyId = randomIds.accessKeyId('ASIA')
  const secretAccessKey = randomIds.secretAccessKey()
  const sessionToken = randomIds.sessionToken()
  const expiresAt = state.now() + state.lifetimes.roleCredentialSeconds * 1000
  state.credentials.set(accessKeyId, {
    accessKeyId, secretAccessKey, sessionToken, expiresAt,
    principal: {
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${reserved}/${userName}`,
      userId: `${randomIds.stableId('AROA', `${accountId}/${reserved}`)}:${userName}`,
      kind: 'sso',
      roleName,
    },
  })
  wire.json(ctx.res, 200, {roleCredentials: {accessKeyId, secretAccessKey, sessionToken, expiration: expiresAt}})
}

/** POST /logout — ends the sign-in session: its access and refresh tokens stop working. */
export function logout(ctx: Ctx, headers: Record<string, string | string[] | undefined>): void {
  const issued = authenticate(ctx, headers)
  if (!issued) return
  const signIn = ctx.state.signIns.get(issued.signInId)
  if (signIn) signIn.ended = true
  wire.json(ctx.res, 200, undefined)
}
