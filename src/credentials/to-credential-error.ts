import {AccessDeniedError, KeylessError} from '../errors.js'
import {classifyAwsError, networkFailure} from '../util/classify-aws-error.js'

/** What was being done, for the one line a person reads. */
export interface CredentialErrorContext {
  /** 'the SSO portal' | 'AWS STS' */
  service: string
  /** e.g. 'role ReadOnly in account 111111111111' */
  target: string
  /** The hint when access is denied. */
  deniedHint: string
}

/** The service said the caller may not do this (after the SDK's own retries). */
export function isDenied(error: unknown): boolean {
  const facts = classifyAwsError(error)
  return facts.kind === 'denied' || facts.name === 'ResourceNotFoundException'
}

/** The portal rejected the bearer token. */
export function isUnauthorized(error: unknown): boolean {
  return classifyAwsError(error).kind === 'unauthorized'
}

/**
 * Turns an AWS SDK failure into a KeylessError with one clear line (already-typed keyless errors
 * pass through). The SDK has already retried throttling, 5xx and network faults with backoff.
 */
export function toCredentialError(error: unknown, context: CredentialErrorContext): Error {
  if (error instanceof KeylessError) return error
  const facts = classifyAwsError(error)
  const {name, detail} = facts
  if (isDenied(error)) {
    return new AccessDeniedError(`${context.service} denied ${context.target}: ${name}${detail ? ` (${detail})` : ''}.`, context.deniedHint)
  }
  return (
    networkFailure(error, context.service, context.target, facts) ??
    new KeylessError(`${context.service} failed for ${context.target}: ${name}${detail ? ` (${detail})` : ''}.`, {cause: error})
  )
}
