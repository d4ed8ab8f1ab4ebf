import type {AwsCredentials} from '../credentials/credential-types.js'
import {staleVariables, type CredentialEndpoint} from '../credentials/credential-variables.js'
import {withoutKeylessSecrets} from '../util/keyless-secrets.js'

export interface ExecEnvInput {
  /** The environment keyless was started with, snapshotted before the AWS SDK could change it. */
  base: NodeJS.ProcessEnv
  profileName: string
  region?: string
  /** KEYLESS_ENVIRONMENT for the child (the guard's label, e.g. production); unset when undefined. */
  environment?: string
  /** Fixed keys for the child (exec), or… */
  credentials?: AwsCredentials
  /** …a local endpoint the child's SDK fetches them from (exec --server). */
  endpoint?: CredentialEndpoint
}

/**
 * The child's environment: the base without any other identity and without keyless's own secrets
 * (KEYLESS_FILE_PASSPHRASE: see util/keyless-secrets), plus the profile's credentials
 * (or the endpoint serving them), its region, and KEYLESS_PROFILE (which also marks nesting).
 */
export function buildExecEnv(input: ExecEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = withoutKeylessSecrets(input.base)
  for (const name of staleVariables) delete env[name]
  if (input.credentials) {
    env.AWS_ACCESS_KEY_ID = input.credentials.accessKeyId
    env.AWS_SECRET_ACCESS_KEY = input.credentials.secretAccessKey
    env.AWS_SESSION_TOKEN = input.credentials.sessionToken
    env.AWS_CREDENTIAL_EXPIRATION = new Date(input.credentials.expiresAt).toISOString()
  }
  if (input.endpoint) {
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = input.endpoint.url
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = input.endpoint.token
  }
  if (input.region) {
    env.AWS_REGION = input.region
    env.AWS_DEFAULT_REGION = input.region
  }
  env.KEYLESS_PROFILE = input.profileName
  if (input.environment) env.KEYLESS_ENVIRONMENT = input.environment
  return env
}
