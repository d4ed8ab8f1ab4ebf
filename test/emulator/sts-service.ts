import type {ServerResponse} from 'node:http'
import type {EmulatorState, IssuedCredential} from './emulator-state.js'
import {randomIds} from './random-ids.js'
import {claimedAccessKeyId, sigv4Verifier, type SignedRequest} from './sigv4-verifier.js'
import {escapeXml, wire} from './wire.js'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

const CHAINED_MAX_SECONDS = 3600
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/

/** The awsQuery parameters of an STS request (form body, or the query string for GET). */
export function stsParams(method: string, query: URLSearchParams, body: string): URLSearchParams {
  return method === 'POST' ? new URLSearchParams(body) : query
}

/**
 * Authenticates an STS request: a known access key, its session token, a valid SigV4 signature,
 * an unexpired session. Answers the AWS error itself and returns undefined when any check fails.
 */
async function authenticate(ctx: Ctx, request: SignedRequest): Promise<IssuedCredential | undefined> {
  const {state, res} = ctx
  const keyId = claimedAccessKeyId(request.headers)
  if (!request.headers.authorization) {
    wire.stsError(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
    return undefined
  }
  const issued = keyId ? state.credentials.get(keyId) : undefined
  const token = request.headers['x-amz-security-token']
  if (!issued || (issued.sessionToken ?? undefined) !== (Array.isArray(token) ? token[0] : token)) {
    wire.stsError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
    return undefined
  }
  const check = await sigv4Verifier(request, issued.secretAccessKey, 'sts')
  if (!check.ok) {
    wire.stsError(res, check.status, check.code, check.message)
    return undefined
  }
  if (issued.expiresAt !== undefined && issued.expiresAt <= state.now()) {
    wire.stsError(res, 400, 'ExpiredToken', 'The security token included in the request is expired')
    return undefined
  }
  return issued
}

/** Handles one STS action (after faults). */
export async function stsService(ctx: Ctx, action: string, params: URLSearchParams, request: SignedRequest): Promise<void> {
  const {res} = ctx
  if (action !== 'GetCallerIdentity' && action !== 'AssumeRole') {
    return wire.stsError(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`)
  }
  const caller = await authenticate(ctx, request)
  if (!caller) return
  if (action === 'GetCallerIdentity') {
    const p = caller.principal
    return wire.stsResult(res, action,
      `    <Arn>${escapeXml(p.arn)}</Arn>\n    <UserId>${escapeXml(p.userId)}</UserId>\n    <Account>${p.accountId}</Account>\n`)
  }
  return assumeRole(ctx, caller, params)
}

function validation(res: ServerResponse, message: string): void {
  wire.stsError(res, 400, 'ValidationError', message)
}

function assumeRole(ctx: Ctx, caller: IssuedCredential, params: URLSearchParams): void {
  const {state, res} = ctx
  const roleArn = params.get('RoleArn')
  const sessionName = params.get('RoleSessionName')
  const externalId = params.get('ExternalId')
  const durationRaw = params.get('DurationSeconds')
  if (roleArn === null) return validation(res, "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
  if (sessionName === null) return validation(res, "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
  if (!SESSION_NAME.test(sessionName)) {
    return validation(res, `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64')
  }
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) {
    return validation(res, `1 validation error detected: Value '${externalId}' at 'externalId' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and have length between 2 and 1224')
  }
  const duration = durationRaw === null ? 3600 : Number(durationRaw)
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    const bound = duration < 900 ? 'greater than or equal to 900' : 'less than or equal to 43200'
    return validation(res, `1 validation error detected: Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${bound}`)
  }
  const arnMatch = ROLE_ARN.exec(roleArn)
  if (!arnMatch) return validation(res, `${roleArn} is invalid`)
  const role = state.org.assumableRoles.find((r) => r.roleArn === roleArn)
  const trusted = role !== undefined &&
    (role.externalId === undefined || role.externalId === externalId) &&
    (role.trustedAccountIds === undefined || role.trustedAccountIds.includes(caller.principal.accountId))
  if (!role || !trusted) {
    return wire.stsError(res, 403, 'AccessDenied', `User: ${caller.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
  }
  // Role chaining (the caller is itself a role session) caps the session at one hour.
  if (caller.principal.kind !== 'user' && duration > CHAINED_MAX_SECONDS) {
    return validation(res, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.')
  }
  if (duration > role.maxSessionDurationSeconds) {
    return validation(res, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.')
  }
  const [, accountId, roleName] = arnMatch
  const accessKeyId = randomIds.accessKeyId('ASIA')
  const secretAccessKey = randomIds.secretAccessKey()
  const sessionToken = randomIds.sessionToken()
  const expiresAt = state.now() + duration * 1000
  const roleId = randomIds.stableId('AROA', roleArn)
  const arn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`
  state.credentials.set(accessKeyId, {
    accessKeyId, secretAccessKey, sessionToken, expiresAt,
    principal: {accountId, arn, userId: `${roleId}:${sessionName}`, kind: 'assumed'},
  })
  const expiration = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
  wire.stsResult(res, 'AssumeRole',
    `    <AssumedRoleUser>\n      <AssumedRoleId>${roleId}:${escapeXml(sessionName)}</AssumedRoleId>\n      <Arn>${escapeXml(arn)}</Arn>\n    </AssumedRoleUser>\n` +
    `    <Credentials>\n      <AccessKeyId>${accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${escapeXml(secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${escapeXml(sessionToken)}</SessionToken>\n      <Expiration>${expiration}</Expiration>\n    </Credentials>\n`)
}

/** A long-lived IAM user access key (AKIA…) that STS accepts. */
export function createUserAccessKey(state: EmulatorState, accountId: string, userName: string): {accessKeyId: string; secretAccessKey: string} {
  const accessKeyId = randomIds.accessKeyId('AKIA')
  const secretAccessKey = randomIds.secretAccessKey()
  state.credentials.set(accessKeyId, {
    accessKeyId, secretAccessKey,
    principal: {accountId, arn: `arn:aws:iam::${accountId}:user/${userName}`, userId: randomIds.stableId('AIDA', `${accountId}/${userName}`), kind: 'user'},
  })
  return {accessKeyId, secretAccessKey}
}
