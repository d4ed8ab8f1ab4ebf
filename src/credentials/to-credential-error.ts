import {AccessDeniedError, ExitCode, KeylessError} from '../errors.js'

/** What was being done, for the one line a person reads. */
export interface CredentialErrorContext {
  /** 'the SSO portal' | 'AWS STS' */
  service: string
  /** e.g. 'role ReadOnly in account 111111111111' */
  target: string
  /** The hint when access is denied. */
  deniedHint: string
}

interface SdkError {
  name?: string
  message?: string
  code?: string
  $metadata?: {httpStatusCode?: number; attempts?: number}
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'])
const deniedNames = new Set(['ForbiddenException', 'AccessDenied', 'AccessDeniedException', 'ResourceNotFoundException'])
const throttleNames = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestThrottled', 'SlowDown'])

/** The service said the caller may not do this (after the SDK's own retries). */
export function isDenied(error: unknown): boolean {
  const e = error as SdkError
  return deniedNames.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 403
}

/** The portal rejected the bearer token. */
export function isUnauthorized(error: unknown): boolean {
  const e = error as SdkError
  return e?.name === 'UnauthorizedException' || e?.$metadata?.httpStatusCode === 401
}

/**
 * Turns an AWS SDK failure into a KeylessError with one clear line (already-typed keyless errors
 * pass through). The SDK has already retried throttling, 5xx and network faults with backoff.
 */
export function toCredentialError(error: unknown, context: CredentialErrorContext): Error {
  if (error instanceof KeylessError) return error
  const e = (error ?? {}) as SdkError
  const name = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error')
  const detail = (e.message ?? '').split('\n')[0]
  const status = e.$metadata?.httpStatusCode
  const attempts = e.$metadata?.attempts
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : ''
  if (isDenied(error)) {
    return new AccessDeniedError(`${context.service} denied ${context.target}: ${name}${detail ? ` (${detail})` : ''}.`, context.deniedHint)
  }
  if (networkCodes.has(e.code ?? '') || name === 'TimeoutError') {
    return new KeylessError(`Cannot reach ${context.service} for ${context.target} (${e.code ?? name})${tries}.`, {
      code: 'Network',
      exit: ExitCode.network,
      hint: 'Check the network (or the AWS_ENDPOINT_URL_* variables) and try again.',
      cause: error,
    })
  }
  if (throttleNames.has(name) || status === 429 || (status !== undefined && status >= 500)) {
    return new KeylessError(`${context.service} kept failing for ${context.target}: ${name}${status ? ` (HTTP ${status})` : ''}${tries}.`, {
      code: 'Unavailable',
      exit: ExitCode.network,
      hint: 'The service is throttling or unavailable; try again in a minute.',
      cause: error,
    })
  }
  return new KeylessError(`${context.service} failed for ${context.target}: ${name}${detail ? ` (${detail})` : ''}.`, {cause: error})
}
