import {createHash, randomBytes} from 'node:crypto'

export interface PkcePair {
  /** 43 characters of base64url (RFC 7636 §4.1). */
  verifier: string
  /** base64url(SHA-256(verifier)), method S256. */
  challenge: string
}

export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url')
  return {verifier, challenge: createHash('sha256').update(verifier).digest('base64url')}
}

export interface AuthorizeUrlInput {
  /** The OIDC endpoint (see oidc-endpoint.ts). */
  endpoint: string
  clientId: string
  redirectUri: string
  state: string
  challenge: string
  scopes: string[]
}

/** The `/authorize` URL of IAM Identity Center, with the parameters the AWS CLI sends. */
export function authorizeUrl(input: AuthorizeUrlInput): string {
  const url = new URL(`${input.endpoint}/authorize`)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', input.clientId)
  url.searchParams.set('redirect_uri', input.redirectUri)
  url.searchParams.set('state', input.state)
  url.searchParams.set('code_challenge_method', 'S256')
  url.searchParams.set('code_challenge', input.challenge)
  if (input.scopes.length > 0) url.searchParams.set('scopes', input.scopes.join(' '))
  return url.toString()
}
