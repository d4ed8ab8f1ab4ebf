import {printable} from '../util/classify-aws-error.js'

/**
 * SSO OIDC errors carry `error` and `error_description` and no message (the SDK's `message` reads
 * "UnknownError"). These helpers read the facts from the wire: the exception name and description.
 */
export interface OidcErrorFacts {
  /** e.g. "AuthorizationPendingException" */
  name: string
  /** error_description, or the message when it says something. */
  description?: string
}

export function oidcErrorFacts(error: unknown): OidcErrorFacts {
  const e = (error ?? {}) as {name?: unknown; error?: unknown; error_description?: unknown; message?: unknown}
  const name = typeof e.name === 'string' && e.name ? e.name : 'Error'
  const description =
    typeof e.error_description === 'string' && e.error_description
      ? e.error_description
      : typeof e.message === 'string' && e.message && e.message !== 'UnknownError' && e.message !== name
        ? e.message
        : typeof e.error === 'string' && e.error
          ? e.error
          : undefined
  // Server text reaches a terminal: no control characters (a newline, an escape sequence).
  return {name: printable(name), description: description === undefined ? undefined : printable(description) || undefined}
}

/** "InvalidClientException: the client is expired" — for one-line messages. */
export function describeOidcError(error: unknown): string {
  const {name, description} = oidcErrorFacts(error)
  return description ? `${name}: ${description}` : name
}

/** True when the error is the named OIDC exception (by SDK name or by the wire `error` code). */
export function isOidcError(error: unknown, name: string): boolean {
  const e = (error ?? {}) as {name?: unknown; error?: unknown}
  if (e.name === name) return true
  const wire = name.replace(/Exception$/, '').replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase())
  return e.error === wire
}
