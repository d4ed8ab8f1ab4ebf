/** What a pasted address turned out to be. */
export type PastedRedirect =
  | {kind: 'code'; code: string}
  | {kind: 'error'; error: string; description?: string}
  | {kind: 'refused'; reason: string}

/**
 * Reads the address a browser was redirected to after a PKCE sign-in, pasted by the person (the
 * browser ran on another machine and could not reach our loopback port). It must be this sign-in's
 * redirect URI (same host, port and path) and carry this sign-in's `state`, as the loopback server
 * demands; anything else is refused with the reason.
 */
export function parsePastedRedirect(text: string, expected: {redirectUri: string; state: string}): PastedRedirect {
  const value = text.trim().replace(/^[<"']+|[>"']+$/g, '')
  const want = new URL(expected.redirectUri)
  const example = `${expected.redirectUri}?code=…&state=…`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return {kind: 'refused', reason: `that is not an address; paste the one your browser was sent to (${example})`}
  }
  const loopback = url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost')
  if (loopback && url.pathname === want.pathname && url.port !== want.port) {
    return {kind: 'refused', reason: `that address is from another sign-in (port ${url.port || 80}; this one waits on port ${want.port})`}
  }
  if (!loopback || url.port !== want.port || url.pathname !== want.pathname) {
    return {kind: 'refused', reason: `that is not the address this sign-in redirects to (${example})`}
  }
  const state = url.searchParams.get('state')
  if (state !== expected.state) {
    return {kind: 'refused', reason: state === null ? 'that address has no state: copy the whole address' : 'the state in that address is not this sign-in\'s (it comes from another sign-in, or was changed)'}
  }
  const error = url.searchParams.get('error')
  if (error) {
    const description = url.searchParams.get('error_description') ?? undefined
    return {kind: 'error', error, ...(description ? {description} : {})}
  }
  const code = url.searchParams.get('code')
  if (!code) return {kind: 'refused', reason: 'that address has no authorization code: copy the whole address'}
  return {kind: 'code', code}
}
