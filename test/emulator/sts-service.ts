import type {ServerResponse} from 'node:http'
import type {EmulatorState, IssuedCredential, MfaDevice, SessionContext} from './emulator-state.js'
import {addAccessKey, checkTotp, ensureIamUser} from './iam-users.js'
import {queryAuth} from './query-auth.js'
import {randomIds} from './random-ids.js'
import type {SignedRequest} from './sigv4-verifier.js'
import {escapeXml, STS_NAMESPACE, wire} from './wire.js'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

const CHAINED_MAX_SECONDS = 3600
const ACTIONS = new Set(['GetCallerIdentity', 'AssumeRole', 'GetAccessKeyInfo', 'GetSessionToken'])
/** What GetSessionToken credentials may call in STS (AWS: AssumeRole and GetCallerIdentity only). */
const SESSION_ACTIONS = new Set(['GetCallerIdentity', 'AssumeRole'])
const TOKEN_CODE = /^\d{6}$/
const SERIAL_NUMBER = /^[\w+=/:,.@-]{9,256}$/
const MFA_INVALID = 'MultiFactorAuthentication failed with invalid MFA one time pass code. '
const MFA_UNKNOWN_DEVICE = 'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.'
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

/** Handles one STS action (after faults). */
export async function stsService(ctx: Ctx, action: string, params: URLSearchParams, request: SignedRequest): Promise<void> {
  const {res} = ctx
  if (!ACTIONS.has(action)) {
    return wire.stsError(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`)
  }
  const authenticated = await queryAuth(ctx, request, 'sts', STS_NAMESPACE)
  if (!authenticated) return
  const caller = authenticated.issued
  if (caller.principal.kind === 'user-session' && !SESSION_ACTIONS.has(action)) {
    const message = action === 'GetSessionToken'
      ? 'Cannot call GetSessionToken with session credentials'
      : `User: ${caller.principal.arn} is not authorized to perform: sts:${action} with session credentials from GetSessionToken`
    return wire.stsError(res, 403, 'AccessDenied', message)
  }
  switch (action) {
    case 'GetCallerIdentity': {
      const p = caller.principal
      return wire.stsResult(res, action,
        `    <Arn>${escapeXml(p.arn)}</Arn>\n    <UserId>${escapeXml(p.userId)}</UserId>\n    <Account>${p.accountId}</Account>\n`)
    }
    case 'GetAccessKeyInfo':
      return getAccessKeyInfo(ctx, params)
    case 'GetSessionToken':
      return getSessionToken(ctx, caller, params)
    default:
      return assumeRole(ctx, caller, params)
  }
}

/** GetAccessKeyInfo: the account an access key id belongs to (any caller; the key need not be active). */
function getAccessKeyInfo(ctx: Ctx, params: URLSearchParams): void {
  const {state, res} = ctx
  const keyId = params.get('AccessKeyId')
  if (keyId === null) return validation(res, "1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null")
  if (!/^[\w]{16,128}$/.test(keyId)) {
    return validation(res, `1 validation error detected: Value '${keyId}' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*`)
  }
  // AWS decodes the account from the id itself; the emulator remembers every id it issued.
  const account = state.keyAccounts.get(keyId) ?? state.credentials.get(keyId)?.principal.accountId
  if (account === undefined) return wire.stsError(res, 400, 'InvalidParameterValue', `The access key id ${keyId} is not valid.`)
  wire.stsResult(res, 'GetAccessKeyInfo', `    <Account>${account}</Account>\n`)
}

/**
 * Checks SerialNumber + TokenCode for `userArn`'s MFA device. Answers the AWS error and returns
 * false when the pair is malformed, the device is not the user's, or the code is wrong or reused.
 */
function verifyMfa(ctx: Ctx, userArn: string, serial: string | null, code: string | null): boolean {
  const {state, res} = ctx
  if (serial === null || code === null) {
    validation(res, `1 validation error detected: Value null at '${serial === null ? 'serialNumber' : 'tokenCode'}' failed to satisfy constraint: Member must not be null`)
    return false
  }
  if (!SERIAL_NUMBER.test(serial)) {
    validation(res, `1 validation error detected: Value '${serial}' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9`)
    return false
  }
  if (!TOKEN_CODE.test(code)) {
    validation(res, `1 validation error detected: Value '${code}' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*`)
    return false
  }
  const device: MfaDevice | undefined = [...state.iamUsers.values()].find((u) => u.arn === userArn)?.mfa
  if (!device || device.serialNumber !== serial) {
    wire.stsError(res, 403, 'AccessDenied', MFA_UNKNOWN_DEVICE)
    return false
  }
  if (checkTotp(device, code, state.now()) !== 'ok') {
    // A wrong code and a code used before get the same answer from AWS.
    wire.stsError(res, 403, 'AccessDenied', MFA_INVALID)
    return false
  }
  return true
}

/** GetSessionToken: temporary credentials for an IAM user's long-lived key, with MFA when the user has it required. */
function getSessionToken(ctx: Ctx, caller: IssuedCredential, params: URLSearchParams): void {
  const {state, res} = ctx
  const p = caller.principal
  if (p.kind !== 'user') {
    return wire.stsError(res, 403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials')
  }
  const durationRaw = params.get('DurationSeconds')
  const duration = durationRaw === null ? 43_200 : Number(durationRaw)
  if (!Number.isInteger(duration) || duration < 900 || duration > 129_600) {
    const bound = duration < 900 ? 'greater than or equal to 900' : 'less than or equal to 129600'
    return validation(res, `1 validation error detected: Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${bound}`)
  }
  const serial = params.get('SerialNumber')
  const code = params.get('TokenCode')
  const user = state.iamUsers.get(`${p.accountId}/${p.userName ?? ''}`)
  let mfa = false
  if (serial !== null || code !== null) {
    if (!verifyMfa(ctx, p.arn, serial, code)) return
    mfa = true
  } else if (user?.mfaRequired) {
    return wire.stsError(res, 403, 'AccessDenied', `User: ${p.arn} is not authorized to perform: sts:GetSessionToken because no MFA code was presented (the account requires MFA for this user)`)
  }
  const accessKeyId = randomIds.accessKeyId('ASIA')
  const secretAccessKey = randomIds.secretAccessKey()
  const sessionToken = randomIds.sessionToken()
  const expiresAt = state.now() + duration * 1000
  state.credentials.set(accessKeyId, {
    accessKeyId, secretAccessKey, sessionToken, expiresAt, mfa,
    principal: {...p, kind: 'user-session'},
  })
  wire.stsResult(res, 'GetSessionToken', credentialsXml(accessKeyId, secretAccessKey, sessionToken, expiresAt))
}

function credentialsXml(accessKeyId: string, secretAccessKey: string, sessionToken: string, expiresAt: number): string {
  const expiration = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return `    <Credentials>\n      <AccessKeyId>${accessKeyId}</AccessKeyId>\n      <SecretAccessKey>${escapeXml(secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${escapeXml(sessionToken)}</SessionToken>\n      <Expiration>${expiration}</Expiration>\n    </Credentials>\n`
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
  // MFA: a code sent with the request is checked against the caller's (user's) device; a role whose
  // trust requires MFA accepts that, or a session that was itself created with MFA.
  const serial = params.get('SerialNumber')
  const code = params.get('TokenCode')
  let mfa = caller.mfa === true
  if (serial !== null || code !== null) {
    if (!verifyMfa(ctx, caller.principal.arn, serial, code)) return
    mfa = true
  }
  if (role.mfaRequired && !mfa) {
    return wire.stsError(res, 403, 'AccessDenied', `User: ${caller.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} (the role's trust policy requires MFA)`)
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
    accessKeyId, secretAccessKey, sessionToken, expiresAt, mfa,
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
  wire.stsResult(res, 'AssumeRole',
    `    <AssumedRoleUser>\n      <AssumedRoleId>${roleId}:${escapeXml(sessionName)}</AssumedRoleId>\n      <Arn>${escapeXml(arn)}</Arn>\n    </AssumedRoleUser>\n` +
    credentialsXml(accessKeyId, secretAccessKey, sessionToken, expiresAt) + packed + source)
}

/** A new long-lived IAM user access key (AKIA…) of `userName` (created if missing) that STS accepts. */
export function createUserAccessKey(state: EmulatorState, accountId: string, userName: string): {accessKeyId: string; secretAccessKey: string} {
  const key = addAccessKey(state, ensureIamUser(state, accountId, userName))
  return {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey}
}
