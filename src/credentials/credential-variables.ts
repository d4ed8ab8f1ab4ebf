/** A local endpoint in the container-credentials protocol, as a process is pointed at it. */
export interface CredentialEndpoint {
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI */
  url: string
  /** AWS_CONTAINER_AUTHORIZATION_TOKEN */
  token: string
}

/**
 * Variables that would make an SDK pick a different identity than the one keyless gives it (exec's
 * child, a shell that switch or `agent env` points at the agent).
 */
export const staleVariables = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_SESSION_EXPIRATION',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'KEYLESS_PROFILE',
  'KEYLESS_ENVIRONMENT',
] as const
