import type {SSOOIDCClient} from '@aws-sdk/client-sso-oidc'
import type {SSOClient} from '@aws-sdk/client-sso'
import type {STSClient} from '@aws-sdk/client-sts'
import type {IAMClient} from '@aws-sdk/client-iam'

/** Static credentials an STS client signs with. */
export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * Builds the AWS SDK v3 clients. The SDK modules load lazily (the credential-process cache hit
 * never pays for them). Endpoints come from the standard AWS_ENDPOINT_URL_* variables, which the
 * SDK reads itself.
 */
export interface ClientFactory {
  oidc(region: string): Promise<SSOOIDCClient>
  portal(region: string): Promise<SSOClient>
  sts(region: string, credentials: SigningCredentials): Promise<STSClient>
  /** IAM (a global service: signed in us-east-1; AWS_ENDPOINT_URL_IAM points it elsewhere). */
  iam(credentials: SigningCredentials): Promise<IAMClient>
}

export interface ClientOptions {
  /** Attempts per call, including the first (the SDK's standard retry with backoff and jitter). */
  maxAttempts?: number
}

function quietSdk(): void {
  // On Node 20 the SDK prints a multi-line NodeVersionSupportWarning at the first call; `status`
  // says it once instead. This is the SDK's documented switch.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
}

export function createClientFactory(options: ClientOptions = {}): ClientFactory {
  const maxAttempts = options.maxAttempts ?? 5
  return {
    async oidc(region) {
      quietSdk()
      const {SSOOIDCClient} = await import('@aws-sdk/client-sso-oidc')
      return new SSOOIDCClient({region, maxAttempts})
    },
    async portal(region) {
      quietSdk()
      const {SSOClient} = await import('@aws-sdk/client-sso')
      return new SSOClient({region, maxAttempts})
    },
    async sts(region, credentials) {
      quietSdk()
      const {STSClient} = await import('@aws-sdk/client-sts')
      // Credentials are always explicit: the default chain could call credential_process, i.e. us.
      return new STSClient({region, maxAttempts, credentials})
    },
    async iam(credentials) {
      quietSdk()
      const {IAMClient} = await import('@aws-sdk/client-iam')
      return new IAMClient({region: 'us-east-1', maxAttempts, credentials})
    },
  }
}
