import type {ServerResponse} from 'node:http'
import type {EmulatorState, IssuedCredential, SessionContext} from './emulator-state.js'
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
/** STS: SourceIdentity [\w+=,.@-]*, 2 to 64 characters. */
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/
/** Tag keys and values: letters, separators (spaces), numbers and _.:/=+-@ (keys 1–128, values 0–256). */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u
const MAX_SESSION_TAGS = 50

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

/** The awsQuery list `Name.member.1…N` (contiguous from 1, as the SDKs send it). */
function memberList(params: URLSearchParams, name: string, field?: string): string[] | undefined {
  const out: string[] = []
  for (let i = 1; ; i++) {
    const value = params.get(field ? `${name}.member.${i}.${field}` : `${name}.member.${i}`)
    if (value === null) break
    out.push(value)
  }
  return out.length > 0 || params.has(`${name}`) ? out : undefined
}

interface SessionRequest {
  sourceIdentity?: string
  tags: Array<{key: string; value: string}>
  transitiveTagKeys: string[]
}

/** Validates SourceIdentity, Tags and TransitiveTagKeys as STS does; the error message, or the parsed request. */
function sessionRequest(params: URLSearchParams): SessionRequest | {error: string; code: string; status: number} {
  const invalid = (message: string) => ({error: message, code: 'ValidationError', status: 400})
  const sourceIdentity = params.get('SourceIdentity') ?? undefined
  if (sourceIdentity !== undefined) {
    if (!SOURCE_IDENTITY.test(sourceIdentity)) {
      return invalid(`1 validation error detected: Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64')
    }
  }
  const keys = memberList(params, 'Tags', 'Key') ?? []
  const values = memberList(params, 'Tags', 'Value') ?? []
  if (keys.length > MAX_SESSION_TAGS) {
    return invalid(`1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`)
  }
  const tags: SessionRequest['tags'] = []
  for (const [i, key] of keys.entries()) {
    const value = params.get(`Tags.member.${i + 1}.Value`)
    if (value === null || values.length !== keys.length) return invalid(`1 validation error detected: Value null at 'tags.${i + 1}.member.value' failed to satisfy constraint: Member must not be null`)
    if (!TAG_KEY.test(key)) {
      return invalid(`1 validation error detected: Value '${key}' at 'tags.${i + 1}.member.key' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+ and have length between 1 and 128')
    }
    if (!TAG_VALUE.test(value)) {
      return invalid(`1 validation error detected: Value '${value}' at 'tags.${i + 1}.member.value' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]* and have length less than or equal to 256')
    }
    if (tags.some((t) => t.key.toLowerCase() === key.toLowerCase())) {
      return {error: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', code: 'InvalidParameterValue', status: 400}
    }
    tags.push({key, value})
  }
  const transitiveTagKeys = memberList(params, 'TransitiveTagKeys') ?? []
  if (transitiveTagKeys.length > MAX_SESSION_TAGS) {
    return invalid(`1 validation error detected: Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_TAGS}`)
  }
  for (const key of transitiveTagKeys) {
    if (!tags.some((t) => t.key.toLowerCase() === key.toLowerCase())) {
      return {error: `The specified transitive tag key must be included in the requested tags: ${key}`, code: 'InvalidParameterValue', status: 400}
    }
  }
  return {...(sourceIdentity === undefined ? {} : {sourceIdentity}), tags, transitiveTagKeys}
}

/**
 * The new session's context: what the caller passes on (its source identity, its transitive tags)
 * plus the request. A chained session may not change the source identity or override an inherited
 * transitive tag (STS refuses both).
 */
function sessionContext(caller: IssuedCredential, request: SessionRequest): SessionContext | {error: string; code: string; status: number} {
  const inherited = caller.session
  if (inherited?.sourceIdentity !== undefined && request.sourceIdentity !== undefined && request.sourceIdentity !== inherited.sourceIdentity) {
    return {error: `User: ${caller.principal.arn} is not authorized to change the source identity (${inherited.sourceIdentity}) of a role session`, code: 'AccessDenied', status: 403}
  }
  const tags: Record<string, string> = {}
  const transitive = new Set<string>()
  for (const key of inherited?.transitiveTagKeys ?? []) {
    tags[key] = inherited!.tags[key]
    transitive.add(key)
  }
  for (const {key, value} of request.tags) {
    const clash = [...transitive].find((k) => k.toLowerCase() === key.toLowerCase())
    if (clash !== undefined) {
      return {error: `The tag key ${key} is a transitive tag of the calling session and cannot be set again`, code: 'InvalidParameterValue', status: 400}
    }
    tags[key] = value
  }
  for (const key of request.transitiveTagKeys) transitive.add(request.tags.find((t) => t.key.toLowerCase() === key.toLowerCase())!.key)
  const sourceIdentity = request.sourceIdentity ?? inherited?.sourceIdentity
  return {...(sourceIdentity === undefined ? {} : {sourceIdentity}), tags, transitiveTagKeys: [...transitive]}
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
  const request = sessionRequest(params)
  if ('error' in request) return wire.stsError(res, request.status, request.code, request.error)
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
  const session = sessionContext(caller, request)
  if ('error' in session) return wire.stsError(res, session.status, session.code, session.error)
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
    session,
  })
  state.assumeRoles.push({
    roleArn, roleSessionName: sessionName, callerArn: caller.principal.arn,
    ...(externalId === null ? {} : {externalId}),
    request, session,
  })
  // Session tags are packed with the session policies; STS reports how full that space is.
  const tagged = Object.keys(session.tags).length
  const packed = tagged > 0 ? `    <PackedPolicySize>${Math.min(100, 4 + tagged * 2)}</PackedPolicySize>\n` : ''
  const source = session.sourceIdentity === undefined ? '' : `    <SourceIdentity>${escapeXml(session.sourceIdentity)}</SourceIdentity>\n`
  const expiration = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
  wire.stsResult(res, 'AssumeRole',
    `    <AssumedRoleUser>\n      <AssumedRoleId>${roleId}:${escapeXml(sessionName)}</AssumedRoleId>\n      <Arn>${escapeXml(arn)}</Arn>\n    </AssumedRoleUser>\n` +
    `    <Credentials>\n      <AccessKeyId>${accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${escapeXml(secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${escapeXml(sessionToken)}</SessionToken>\n      <Expiration>${expiration}</Expiration>\n    </Credentials>\n` +
    packed + source)
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
