/** Temporary AWS credentials, as keyless stores and hands them out. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** epoch ms */
  expiresAt: number
}

/** The credential_process JSON (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html). */
export function toProcessJson(credentials: AwsCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: new Date(credentials.expiresAt).toISOString(),
  })
}
