/**
 * The SSO OIDC endpoint the SDK client talks to, resolved the way the SDK does for the standard
 * variables: AWS_ENDPOINT_URL_SSO_OIDC, then AWS_ENDPOINT_URL, then the regional endpoint. PKCE
 * builds its `/authorize` URL on it.
 */
export function oidcEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  const configured = env.AWS_ENDPOINT_URL_SSO_OIDC || env.AWS_ENDPOINT_URL
  const base = configured || `https://oidc.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`
  return base.replace(/\/+$/, '')
}
