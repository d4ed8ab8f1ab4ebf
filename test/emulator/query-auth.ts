import type {ServerResponse} from 'node:http'
import type {EmulatorState, IamAccessKey, IssuedCredential} from './emulator-state.js'
import {findCredential} from './iam-users.js'
import {claimedAccessKeyId, sigv4Verifier, type SignedRequest} from './sigv4-verifier.js'
import {wire} from './wire.js'

interface Ctx {
  state: EmulatorState
  res: ServerResponse
}

export interface Caller {
  issued: IssuedCredential
  /** Set when the request was signed with a long-lived IAM user key (its last use is recorded). */
  key?: IamAccessKey
}

/**
 * Authenticates an awsQuery request (STS or IAM): a known, active access key, its session token, a
 * valid SigV4 signature for `service`, an unexpired session. Records the use of a long-lived key in
 * its last-used record (date, service, the signing region), as IAM does. Answers the AWS error
 * itself (in `namespace`) and returns undefined when any check fails.
 */
export async function queryAuth(ctx: Ctx, request: SignedRequest, service: 'sts' | 'iam', namespace: string): Promise<Caller | undefined> {
  const {state, res} = ctx
  const fail = (status: number, code: string, message: string) => {
    wire.stsError(res, status, code, message, 'Sender', namespace)
    return undefined
  }
  const keyId = claimedAccessKeyId(request.headers)
  if (!request.headers.authorization) return fail(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
  const found = keyId ? findCredential(state, keyId) : undefined
  const token = request.headers['x-amz-security-token']
  if (!found || (found.issued.sessionToken ?? undefined) !== (Array.isArray(token) ? token[0] : token)) {
    return fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
  }
  const check = await sigv4Verifier(request, found.issued.secretAccessKey, service)
  if (!check.ok) return fail(check.status, check.code, check.message)
  // IAM is a global service signed in us-east-1 (its aws-global partition endpoint).
  if (service === 'iam' && check.region !== 'us-east-1') return fail(403, 'SignatureDoesNotMatch', 'Credential should be scoped to a valid region. ')
  if (found.issued.expiresAt !== undefined && found.issued.expiresAt <= state.now()) {
    return fail(400, 'ExpiredToken', 'The security token included in the request is expired')
  }
  if (found.key) found.key.lastUsed = {date: state.now(), service, region: check.region}
  return found
}
