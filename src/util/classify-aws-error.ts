import {maskKeyId} from './mask-key-id.js'
import {ExitCode, KeylessError} from '../errors.js'

/**
 * What kind of failure an AWS SDK call ended with (after the SDK's own retries):
 * - network: no HTTP answer (refused, reset, DNS, timed out);
 * - not-aws: an HTTP answer that is not from AWS (a proxy or captive portal: a redirect, HTML);
 * - throttled: 429 or a throttling exception; unavailable: a 5xx;
 * - unauthorized: 401 (the bearer token was rejected); denied: 403 or an access-denied exception;
 * - other: an AWS answer this table does not know (a validation error, a missing resource…).
 * network, not-aws, throttled and unavailable all exit 6 (ExitCode.network) wherever they happen.
 */
export type AwsErrorKind = 'network' | 'not-aws' | 'throttled' | 'unavailable' | 'unauthorized' | 'denied' | 'other'

export interface AwsErrorFacts {
  kind: AwsErrorKind
  /** The exception name (or the errno code when there is no name), for one-line messages. */
  name: string
  /** The first line of the message, control characters removed ('' when it says nothing). */
  detail: string
  status?: number
  /** The errno code of a network failure (ECONNREFUSED…). */
  code?: string
  attempts?: number
  /** The Content-Type of the answer, when there was one. */
  contentType?: string
  /** Where the request went (recorded by the clients of util/aws-clients.ts). */
  endpoint?: string
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ENETDOWN'])
const networkNames = new Set(['TimeoutError', 'RequestTimeout', 'AbortError'])
const throttleNames = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestThrottled', 'SlowDown'])
const deniedNames = new Set(['ForbiddenException', 'AccessDenied', 'AccessDeniedException'])
/** Content types AWS answers these APIs with (JSON protocols, the query protocol's XML). */
const awsContentType = /^(application\/(x-amz-json-[\d.]+|json|xml)|text\/xml)\b/i

interface SdkError {
  name?: unknown
  message?: unknown
  code?: unknown
  $metadata?: {httpStatusCode?: number; attempts?: number}
  $response?: {statusCode?: number; headers?: Record<string, string | undefined>}
  $endpoint?: unknown
}

/** Text from a server, made safe for one terminal line: control characters become spaces. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return maskKeyIds(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim())
}

/** Access key ids in server text (e.g. "The access key id AKIA… is not valid"), masked as everywhere else. */
export function maskKeyIds(text: string): string {
  return text.replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, (id) => maskKeyId(id))
}

/** The one reading of an AWS SDK failure that every caller decides by. */
export function classifyAwsError(error: unknown): AwsErrorFacts {
  const e = (error ?? {}) as SdkError
  const code = typeof e.code === 'string' ? e.code : undefined
  const rawName = typeof e.name === 'string' && e.name && e.name !== 'Error' ? e.name : (code ?? 'Error')
  const message = typeof e.message === 'string' ? e.message : ''
  const detail = printable(message.split('\n')[0] ?? '')
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode
  const headers = e.$response?.headers ?? {}
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1]?.split(';')[0].trim()
  const endpoint = typeof e.$endpoint === 'string' ? e.$endpoint : undefined
  const facts = {name: printable(rawName), detail, status, code, attempts: e.$metadata?.attempts, contentType, endpoint}
  const kind = (k: AwsErrorKind): AwsErrorFacts => ({kind: k, ...facts})

  if (status === undefined && ((code && networkCodes.has(code)) || networkNames.has(rawName))) return kind('network')
  if (code && networkCodes.has(code) && !e.$response) return kind('network')
  if (isNotAws(status, contentType, e)) return kind('not-aws')
  if (throttleNames.has(rawName) || status === 429) return kind('throttled')
  if (rawName === 'UnauthorizedException' || status === 401) return kind('unauthorized')
  if (deniedNames.has(rawName) || status === 403) return kind('denied')
  if (status !== undefined && status >= 500) return kind('unavailable')
  return kind('other')
}

/**
 * An answer no AWS API gives: a redirect (captive portals send one), or a body that is not JSON or
 * XML (an HTML login or block page), or a success the SDK could not read.
 */
function isNotAws(status: number | undefined, contentType: string | undefined, e: SdkError): boolean {
  if (!e.$response) return false
  if (status !== undefined && status >= 300 && status < 400) return true
  if (contentType !== undefined && !awsContentType.test(contentType)) return true
  return status !== undefined && status < 300
}

/** Whether a failure is the network's (or the service's) rather than the request's: exit 6. */
export function isNetworkKind(kind: AwsErrorKind): boolean {
  return kind === 'network' || kind === 'not-aws' || kind === 'throttled' || kind === 'unavailable'
}

/**
 * The one line for a failure of kind network, not-aws, throttled or unavailable (exit 6), or
 * undefined for the other kinds (the caller knows best what denied or unauthorized means there).
 * `service` names who was asked ("the SSO portal"), `target` what for ("role R in account A").
 */
export function networkFailure(error: unknown, service: string, target: string, facts = classifyAwsError(error)): KeylessError | undefined {
  const tries = facts.attempts && facts.attempts > 1 ? ` after ${facts.attempts} attempts` : ''
  const where = facts.endpoint ? ` at ${facts.endpoint}` : ''
  switch (facts.kind) {
    case 'network':
      return new KeylessError(`Cannot reach ${service}${where} for ${target} (${facts.code ?? facts.name})${tries}.`, {
        code: 'Network',
        exit: ExitCode.network,
        hint: 'Check the network (or the AWS_ENDPOINT_URL_* variables) and try again.',
        cause: error,
      })
    case 'not-aws': {
      const answer = [facts.status === undefined ? undefined : `HTTP ${facts.status}`, facts.contentType].filter(Boolean).join(' ')
      return new KeylessError(`${capitalize(service)} did not answer like AWS for ${target} (${answer || 'an unreadable answer'}${facts.endpoint ? ` from ${facts.endpoint}` : ''}): a proxy or captive portal?`, {
        code: 'NotAws',
        exit: ExitCode.network,
        hint: 'Sign in to the network (captive portal) or check HTTPS_PROXY and the AWS_ENDPOINT_URL_* variables, then try again.',
        cause: error,
      })
    }
    case 'throttled':
    case 'unavailable':
      return new KeylessError(`${capitalize(service)} kept failing for ${target}: ${facts.name}${facts.status ? ` (HTTP ${facts.status})` : ''}${tries}.`, {
        code: 'Unavailable',
        exit: ExitCode.network,
        hint: 'The service is throttling or unavailable; try again in a minute.',
        cause: error,
      })
    default:
      return undefined
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
