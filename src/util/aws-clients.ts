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
  oidc(region: string, options?: {maxAttempts?: number}): Promise<SSOOIDCClient>
  /** The portal client; discovery asks for one attempt per call (it retries by itself). */
  portal(region: string, options?: {maxAttempts?: number}): Promise<SSOClient>
  sts(region: string, credentials: SigningCredentials): Promise<STSClient>
  /** IAM (a global service: signed in us-east-1; AWS_ENDPOINT_URL_IAM points it elsewhere). */
  iam(credentials: SigningCredentials): Promise<IAMClient>
  /** The longest one call of these clients can take, retries included (see callBudgetMs). */
  readonly callBudgetMs?: number
}

/** How long a request may take; every client keyless builds is bounded by these. */
export interface NetworkBounds {
  /** Until the TCP (and TLS) connection is up. */
  connectMs: number
  /** One attempt, from the request to the whole answer (connecting included). */
  attemptMs: number
  /** Attempts per call, including the first (the SDK's standard retry with backoff and jitter). */
  maxAttempts: number
}

/**
 * The defaults. An endpoint that accepts and never answers (a stalled proxy, a black-holed route)
 * fails an attempt after 6 s, a call after 5 attempts: about 45 s with the backoff (callBudgetMs), under a
 * minute (the AWS CLI waits 60 s to connect and 60 s to read, per attempt). Real AWS answers these
 * APIs in well under a second.
 */
export const defaultNetworkBounds: NetworkBounds = {connectMs: 3_000, attemptMs: 6_000, maxAttempts: 5}

/** The SDK's standard retry waits at most base·2^n between attempts (base 500 ms when throttled). */
const THROTTLE_BACKOFF_BASE_MS = 500

/** The worst case of one call: every attempt times out, and every pause is the longest backoff. */
export function callBudgetMs(bounds: NetworkBounds = defaultNetworkBounds): number {
  let backoff = 0
  for (let n = 1; n < bounds.maxAttempts; n++) backoff += Math.min(20_000, THROTTLE_BACKOFF_BASE_MS * 2 ** n)
  return bounds.maxAttempts * bounds.attemptMs + backoff
}

/**
 * The bounds from KEYLESS_REQUEST_TIMEOUT_MS (one attempt, in ms; the connect bound never exceeds
 * it), else the defaults. For networks where AWS is slow to answer, and for tests.
 */
export function networkBoundsFrom(env: NodeJS.ProcessEnv): NetworkBounds {
  const attemptMs = Number(env.KEYLESS_REQUEST_TIMEOUT_MS)
  if (!Number.isInteger(attemptMs) || attemptMs <= 0) return defaultNetworkBounds
  return {...defaultNetworkBounds, attemptMs, connectMs: Math.min(defaultNetworkBounds.connectMs, attemptMs)}
}

export interface ClientOptions {
  /** Attempts per call, including the first; default from the bounds. */
  maxAttempts?: number
  bounds?: NetworkBounds
}

/** What every client gets: the bounded request handler (the SDK builds its NodeHttpHandler from it). */
function clientConfig(region: string, bounds: NetworkBounds, maxAttempts: number) {
  return {
    region,
    maxAttempts,
    requestHandler: {connectionTimeout: bounds.connectMs, requestTimeout: bounds.attemptMs, throwOnRequestTimeout: true},
  }
}

/**
 * Remembers the endpoint a failed call went to (hidden `$endpoint` on the error), so that a
 * failure can name it: the SDK's errors say what came back, not where from. Added in the build
 * step, outside the retries, so it sees the final error.
 */
interface MiddlewareStackLike {
  add(middleware: unknown, options: {step: 'build'; name: string}): void
}

function rememberEndpoint(client: {middlewareStack: unknown}): void {
  const middleware =
    (next: (args: {request?: unknown}) => Promise<unknown>) =>
    async (args: {request?: {protocol?: string; hostname?: string; port?: number; path?: string}}) => {
      try {
        return await next(args)
      } catch (error) {
        const r = args.request
        if (r?.hostname && error !== null && typeof error === 'object' && !Object.hasOwn(error, '$endpoint')) {
          const url = `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path ?? ''}`
          Object.defineProperty(error, '$endpoint', {value: url, enumerable: false, configurable: true})
        }
        throw error
      }
    }
  ;(client.middlewareStack as MiddlewareStackLike).add(middleware, {step: 'build', name: 'keylessRememberEndpoint'})
}

export function createClientFactory(options: ClientOptions = {}): ClientFactory {
  const bounds = options.bounds ?? defaultNetworkBounds
  const attempts = options.maxAttempts ?? bounds.maxAttempts
  return {
    callBudgetMs: callBudgetMs({...bounds, maxAttempts: attempts}),
    async oidc(region, oidcOptions = {}) {
      const {SSOOIDCClient} = await import('@aws-sdk/client-sso-oidc')
      const client = new SSOOIDCClient(clientConfig(region, bounds, oidcOptions.maxAttempts ?? attempts))
      rememberEndpoint(client)
      return client
    },
    async portal(region, portalOptions = {}) {
      const {SSOClient} = await import('@aws-sdk/client-sso')
      const client = new SSOClient(clientConfig(region, bounds, portalOptions.maxAttempts ?? attempts))
      rememberEndpoint(client)
      return client
    },
    async sts(region, credentials) {
      const {STSClient} = await import('@aws-sdk/client-sts')
      // Credentials are always explicit: the default chain could call credential_process, i.e. us.
      const client = new STSClient({...clientConfig(region, bounds, attempts), credentials})
      rememberEndpoint(client)
      return client
    },
    async iam(credentials) {
      const {IAMClient} = await import('@aws-sdk/client-iam')
      const client = new IAMClient({...clientConfig('us-east-1', bounds, attempts), credentials})
      rememberEndpoint(client)
      return client
    },
  }
}
