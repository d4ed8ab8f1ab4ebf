import {randomUUID} from 'node:crypto'
import type {ServerResponse} from 'node:http'
import type {EmulatorState, IamAccessKey, IamUser, IssuedCredential} from './emulator-state.js'
import {addAccessKey, deleteAccessKey} from './iam-users.js'
import {queryAuth} from './query-auth.js'
import type {SignedRequest} from './sigv4-verifier.js'
import {escapeXml, IAM_NAMESPACE, wire} from './wire.js'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

/** The awsQuery Version of IAM requests (STS sends 2011-06-15): how the shared endpoint tells them apart. */
export const IAM_VERSION = '2010-05-08'
const MAX_KEYS_PER_USER = 2
const READS = new Set(['GetUser', 'ListAccessKeys', 'GetAccessKeyLastUsed'])
const WRITES = new Set(['UpdateAccessKey', 'CreateAccessKey', 'DeleteAccessKey'])
const USER_NAME = /^[\w+=,.@-]{1,64}$/
const KEY_ID = /^[\w]{16,128}$/

function iamError(res: ServerResponse, status: number, code: string, message: string): void {
  wire.stsError(res, status, code, message, 'Sender', IAM_NAMESPACE)
}

function iamResult(res: ServerResponse, action: string, xml: string): void {
  wire.stsResult(res, action, xml, IAM_NAMESPACE)
}

/** An IAM action that returns nothing: `<{Action}Response>` with only ResponseMetadata. */
function iamEmpty(res: ServerResponse, action: string): void {
  wire.xml(res, 200,
    `<${action}Response xmlns="${IAM_NAMESPACE}">\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`)
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * May `caller` do `action` on `user`? The user itself manages its own keys (AWS's self-service
 * policy); an Identity Center AdministratorAccess role of the same account may do anything;
 * ReadOnlyAccess may read. GetSessionToken credentials without MFA may not call IAM at all.
 */
function allowed(caller: IssuedCredential, action: string, user: IamUser): boolean {
  const p = caller.principal
  if (p.kind === 'user' || p.kind === 'user-session') return p.accountId === user.accountId && p.userName === user.userName
  if (p.kind === 'sso' && p.accountId === user.accountId) {
    if (p.roleName === 'AdministratorAccess') return true
    if (p.roleName === 'ReadOnlyAccess') return READS.has(action)
  }
  return false
}

function denied(res: ServerResponse, caller: IssuedCredential, action: string, user: IamUser): void {
  iamError(res, 403, 'AccessDenied',
    `User: ${caller.principal.arn} is not authorized to perform: iam:${action} on resource: user ${user.userName} because no identity-based policy allows the iam:${action} action`)
}

function validation(res: ServerResponse, field: string, value: string, constraint: string): void {
  iamError(res, 400, 'ValidationError', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`)
}

/** Handles one IAM action (after faults): awsQuery, SigV4 verified with service `iam`. */
export async function iamService(ctx: Ctx, action: string, params: URLSearchParams, request: SignedRequest): Promise<void> {
  const {state, res} = ctx
  if (!READS.has(action) && !WRITES.has(action)) {
    return iamError(res, 400, 'InvalidAction', `Could not find operation ${action} for version ${IAM_VERSION}`)
  }
  const authenticated = await queryAuth(ctx, request, 'iam', IAM_NAMESPACE)
  if (!authenticated) return
  const caller = authenticated.issued
  // AWS: GetSessionToken credentials without MFA cannot call IAM (the token is refused).
  if (caller.principal.kind === 'user-session' && !caller.mfa) {
    return iamError(res, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid')
  }

  // The user: UserName, else the one a key id names (GetAccessKeyLastUsed), else the calling user.
  const userNameParam = params.get('UserName')
  const keyIdParam = params.get('AccessKeyId')
  if (userNameParam !== null && !USER_NAME.test(userNameParam)) {
    return validation(res, 'userName', userNameParam, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+')
  }
  if (keyIdParam !== null && !KEY_ID.test(keyIdParam)) {
    return validation(res, 'accessKeyId', keyIdParam, 'Member must satisfy regular expression pattern: [\\w]+')
  }
  if ((action === 'GetAccessKeyLastUsed' || action === 'UpdateAccessKey' || action === 'DeleteAccessKey') && keyIdParam === null) {
    return iamError(res, 400, 'ValidationError', "1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null")
  }

  let user: IamUser | undefined
  if (action === 'GetAccessKeyLastUsed') {
    const key = state.iamKeys.get(keyIdParam!)
    if (!key) return iamError(res, 404, 'NoSuchEntity', `The Access Key with id ${keyIdParam} cannot be found`)
    user = key.user
  } else if (userNameParam !== null) {
    user = state.iamUsers.get(`${caller.principal.accountId}/${userNameParam}`)
    if (!user) return iamError(res, 404, 'NoSuchEntity', `The user with name ${userNameParam} cannot be found.`)
  } else {
    const p = caller.principal
    if (p.kind !== 'user' && p.kind !== 'user-session') {
      return iamError(res, 400, 'ValidationError', 'Must specify userName when calling with non-User credentials')
    }
    user = state.iamUsers.get(`${p.accountId}/${p.userName ?? ''}`)
    if (!user) return iamError(res, 404, 'NoSuchEntity', `The user with name ${p.userName} cannot be found.`)
  }
  if (!allowed(caller, action, user)) return denied(res, caller, action, user)

  const ownKey = (): IamAccessKey | undefined => {
    const key = user.keys.find((k) => k.accessKeyId === keyIdParam)
    if (!key) iamError(res, 404, 'NoSuchEntity', `The Access Key with id ${keyIdParam} cannot be found`)
    return key
  }

  switch (action) {
    case 'GetUser':
      return iamResult(res, action,
        `    <User>\n      <Path>/</Path>\n      <UserName>${escapeXml(user.userName)}</UserName>\n      <UserId>${user.userId}</UserId>\n` +
        `      <Arn>${escapeXml(user.arn)}</Arn>\n      <CreateDate>${isoDate(user.createDate)}</CreateDate>\n    </User>\n`)
    case 'ListAccessKeys':
      return iamResult(res, action,
        '    <AccessKeyMetadata>\n' +
        user.keys.map((k) =>
          `      <member>\n        <UserName>${escapeXml(user.userName)}</UserName>\n        <AccessKeyId>${k.accessKeyId}</AccessKeyId>\n` +
          `        <Status>${k.status}</Status>\n        <CreateDate>${isoDate(k.createDate)}</CreateDate>\n      </member>\n`).join('') +
        '    </AccessKeyMetadata>\n    <IsTruncated>false</IsTruncated>\n')
    case 'GetAccessKeyLastUsed': {
      const used = state.iamKeys.get(keyIdParam!)!.lastUsed
      const record = used
        ? `      <LastUsedDate>${isoDate(used.date)}</LastUsedDate>\n      <ServiceName>${escapeXml(used.service)}</ServiceName>\n      <Region>${escapeXml(used.region)}</Region>\n`
        : '      <ServiceName>N/A</ServiceName>\n      <Region>N/A</Region>\n'
      return iamResult(res, action, `    <UserName>${escapeXml(user.userName)}</UserName>\n    <AccessKeyLastUsed>\n${record}    </AccessKeyLastUsed>\n`)
    }
    case 'UpdateAccessKey': {
      const status = params.get('Status')
      if (status !== 'Active' && status !== 'Inactive') {
        return validation(res, 'status', String(status), 'Member must satisfy enum value set: [Active, Inactive, Expired]')
      }
      const key = ownKey()
      if (!key) return
      key.status = status
      return iamEmpty(res, action)
    }
    case 'CreateAccessKey': {
      if (user.keys.length >= MAX_KEYS_PER_USER) {
        return iamError(res, 409, 'LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`)
      }
      const key = addAccessKey(state, user)
      return iamResult(res, action,
        `    <AccessKey>\n      <UserName>${escapeXml(user.userName)}</UserName>\n      <AccessKeyId>${key.accessKeyId}</AccessKeyId>\n` +
        `      <Status>Active</Status>\n      <SecretAccessKey>${escapeXml(key.secretAccessKey)}</SecretAccessKey>\n` +
        `      <CreateDate>${isoDate(key.createDate)}</CreateDate>\n    </AccessKey>\n`)
    }
    case 'DeleteAccessKey': {
      const key = ownKey()
      if (!key) return
      deleteAccessKey(state, key)
      return iamEmpty(res, action)
    }
  }
}
