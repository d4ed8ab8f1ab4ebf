import {loadAwsConfig} from '../config/load-aws-config.js'
import {loginFlowKey} from '../config/sso-sessions.js'
import {upsertSsoSession} from '../config/upsert-sso-session.js'
import {parseScopes} from '../config/validate.js'
import {UsageError} from '../errors.js'
import type {Output} from '../deps.js'
import type {SsoSessionAnswers} from '../ui/prompt-sso-session.js'
import type {Paths} from '../util/paths.js'
import type {LoginFlow} from './stored-items.js'

export interface ConfigureInput {
  name?: string
  startUrl?: string
  region?: string
  scopes?: string[]
  /** Written as keyless_login_flow (kept as it is when not given). */
  flow?: LoginFlow
}

export interface ConfigureResult extends SsoSessionAnswers {
  /** The session's keyless_login_flow after the edit (undefined: device, the default). */
  flow?: LoginFlow
  configFile: string
  created: boolean
  changed: boolean
}

export interface ConfigureDeps {
  paths: Paths
  stderr: Output
  isInteractive: boolean
  /** Asks for the missing fields (defaults: the section's current values). */
  prompt: (given: Partial<SsoSessionAnswers>, defaults: Partial<SsoSessionAnswers>) => Promise<SsoSessionAnswers>
}

/**
 * `keyless configure`: add or edit `[sso-session NAME]`. Fields not given keep the section's current
 * values; what is still missing is asked for on a terminal, or named in a usage error otherwise.
 */
export async function configureSession(input: ConfigureInput, deps: ConfigureDeps): Promise<ConfigureResult> {
  const config = await loadAwsConfig(deps.paths)
  const existing = input.name && Object.hasOwn(config.ssoSessions, input.name) ? config.ssoSessions[input.name] : undefined
  const current: Partial<SsoSessionAnswers> = {
    name: input.name,
    startUrl: existing?.sso_start_url,
    region: existing?.sso_region,
    scopes: existing ? parseScopes(existing.sso_registration_scopes) : undefined,
  }
  let answers: SsoSessionAnswers
  const complete = input.name && (input.startUrl ?? current.startUrl) && (input.region ?? current.region)
  if (complete) {
    answers = {
      name: input.name!,
      startUrl: (input.startUrl ?? current.startUrl)!,
      region: (input.region ?? current.region)!,
      scopes: input.scopes ?? current.scopes ?? parseScopes(undefined),
    }
  } else if (deps.isInteractive) {
    answers = await deps.prompt({name: input.name, startUrl: input.startUrl, region: input.region, scopes: input.scopes}, current)
  } else {
    const missing = [
      input.name ? undefined : '--session',
      input.startUrl ?? current.startUrl ? undefined : '--start-url',
      input.region ?? current.region ? undefined : '--region',
    ].filter(Boolean)
    throw new UsageError(`Missing ${missing.join(', ')} (there is no terminal to ask on).`, 'Example: keyless configure --session corp --start-url https://d-1234567890.awsapps.com/start --region eu-west-1')
  }
  const extra = input.flow ? {[loginFlowKey]: input.flow} : undefined
  const {created, changed} = await upsertSsoSession(deps.paths, {...answers, ...(extra ? {extra} : {})})
  const storedFlow = existing?.[loginFlowKey]?.trim()
  const flow = input.flow ?? (storedFlow === 'pkce' || storedFlow === 'device' ? storedFlow : undefined)
  deps.stderr.write(
    `${created ? 'Added' : changed ? 'Updated' : 'Unchanged:'} [sso-session ${answers.name}] in ${deps.paths.configFile}.` +
      (changed ? ` Next: keyless login --session ${answers.name}\n` : '\n'),
  )
  return {...answers, ...(flow ? {flow} : {}), configFile: deps.paths.configFile, created, changed}
}
