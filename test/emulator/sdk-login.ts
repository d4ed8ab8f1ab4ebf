import {CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand} from '@aws-sdk/client-sso-oidc'
import type {Emulator} from './emulator.js'

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

export interface SdkLogin {
  clientId: string
  clientSecret: string
  accessToken: string
  refreshToken?: string
  expiresIn: number
}

/**
 * Signs in to an emulator with the real SDK OIDC client and the device flow (approving the code
 * with a GET, as the sandbox's browser does): a fixture for tests that need an access token.
 */
export async function sdkLogin(emulator: Emulator, options: {scopes?: string[]} = {}): Promise<SdkLogin> {
  const oidc = new SSOOIDCClient({region: emulator.org.region, endpoint: emulator.url})
  const reg = await oidc.send(new RegisterClientCommand({clientName: 'sdk-login', clientType: 'public', scopes: options.scopes}))
  const clientId = reg.clientId as string
  const clientSecret = reg.clientSecret as string
  const device = await oidc.send(new StartDeviceAuthorizationCommand({clientId, clientSecret, startUrl: emulator.org.startUrl}))
  const approval = await fetch(device.verificationUriComplete as string)
  if (!approval.ok) throw new Error(`device approval failed: HTTP ${approval.status}`)
  const token = await oidc.send(new CreateTokenCommand({clientId, clientSecret, grantType: DEVICE_GRANT, deviceCode: device.deviceCode}))
  oidc.destroy()
  return {clientId, clientSecret, accessToken: token.accessToken as string, refreshToken: token.refreshToken, expiresIn: token.expiresIn as number}
}
