import {createHash} from 'node:crypto'
import {UsageError} from '../errors.js'
import type {SsoSession} from './profile-types.js'
import type {AwsConfig} from './load-aws-config.js'
import {parseScopes, quote} from './validate.js'

/** The sso-session key naming the sign-in flow (pkce | device), written by `keyless configure --flow`. */
export const loginFlowKey = 'keyless_login_flow'

const configureHint = 'Run `keyless configure` to add one.'

function where(config: AwsConfig): string {
  return config.configFile ? ` in ${config.configFile}` : ''
}

/** The session name keyless uses for a legacy profile (sso_start_url in the profile, no sso-session). */
export function legacySessionName(startUrl: string): string {
  return `legacy-${createHash('sha256').update(startUrl).digest('hex').slice(0, 10)}`
}

function toSession(config: AwsConfig, name: string, values: Record<string, string>): SsoSession {
  const missing = ['sso_start_url', 'sso_region'].filter((k) => !values[k])
  if (missing.length > 0) {
    throw new UsageError(
      `sso-session "${name}"${where(config)} has no ${missing.join(' or ')}.`,
      `Run \`keyless configure --session ${name}\` to complete it.`,
    )
  }
  const flow = values[loginFlowKey]?.trim()
  if (flow !== undefined && flow !== '' && flow !== 'device' && flow !== 'pkce') {
    throw new UsageError(
      `sso-session "${name}"${where(config)} has an invalid ${loginFlowKey} ${quote(flow)}.`,
      `Use pkce or device: \`keyless configure --session ${name} --flow pkce\`.`,
    )
  }
  return {
    name,
    startUrl: values.sso_start_url,
    region: values.sso_region,
    scopes: parseScopes(values.sso_registration_scopes),
    ...(flow === 'device' || flow === 'pkce' ? {loginFlow: flow} : {}),
  }
}

/** Every complete `[sso-session NAME]` (with sso_start_url and sso_region), in file order. */
export function listSsoSessions(config: AwsConfig): SsoSession[] {
  return Object.entries(config.ssoSessions)
    .filter(([, v]) => v.sso_start_url && v.sso_region)
    .map(([name, v]) => toSession(config, name, v))
}

/** The named session; UsageError naming the known sessions when it does not exist. */
export function getSsoSession(config: AwsConfig, name: string): SsoSession {
  const values = Object.hasOwn(config.ssoSessions, name) ? config.ssoSessions[name] : undefined
  if (!values) {
    const known = Object.keys(config.ssoSessions)
    if (known.length === 0) throw new UsageError(`No sso-session ${quote(name)}${where(config)}.`, configureHint)
    throw new UsageError(
      `No sso-session ${quote(name)}${where(config)}; known: ${known.join(', ')}.`,
      `Use one of those, or run \`keyless configure --session ${name}\`.`,
    )
  }
  return toSession(config, name, values)
}

/** The named session, or the only one; UsageError when there is none, or several and none named. */
export function pickSsoSession(config: AwsConfig, name?: string): SsoSession {
  if (name !== undefined && name !== '') return getSsoSession(config, name)
  const names = Object.keys(config.ssoSessions)
  if (names.length === 0) throw new UsageError(`No sso-session is configured${where(config)}.`, configureHint)
  if (names.length > 1) {
    throw new UsageError(`Several sso-sessions are configured: ${names.join(', ')}.`, 'Name one with --session NAME.')
  }
  return getSsoSession(config, names[0])
}
