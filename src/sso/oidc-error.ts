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

/**
 * Server or redirect text made safe for one terminal line: control characters (escape sequences,
 * line breaks) become one space. The same rule as arch-primitives' `printable` in util/.
 */
export function printableText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
}

export function oidcErrorFacts(error: unknown): OidcErrorFacts {
  const facts = rawFacts(error)
  const description = facts.description === undefined ? undefined : printableText(facts.description) || undefined
  return {name: printableText(facts.name) || 'Error', ...(description === undefined ? {} : {description})}
}

function rawFacts(error: unknown): OidcErrorFacts {
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
  return {name, description}
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

/** Network-level failures (no HTTP answer), which get exit code 6. */
export function isNetworkError(error: unknown): boolean {
  const e = (error ?? {}) as {code?: unknown; name?: unknown; $metadata?: {httpStatusCode?: number}}
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']
  if (typeof e.code === 'string' && codes.includes(e.code)) return true
  return e.name === 'TimeoutError' || e.name === 'RequestTimeout'
}
