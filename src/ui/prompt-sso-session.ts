import {validateRegion, validateScopes, validateSessionName, validateStartUrl} from '../config/validate.js'
import {KeylessError} from '../errors.js'

export interface SsoSessionAnswers {
  name: string
  startUrl: string
  region: string
  scopes: string[]
}

const check = (fn: () => unknown) => () => {
  try {
    fn()
    return true
  } catch (error) {
    return error instanceof KeylessError ? error.line : String(error)
  }
}

/** Asks (on the terminal) for the fields not given, each validated as it is typed. */
export async function promptSsoSession(given: Partial<SsoSessionAnswers>, defaults: Partial<SsoSessionAnswers>): Promise<SsoSessionAnswers> {
  const {input} = await import('@inquirer/prompts')
  const name = given.name ?? (await input({message: 'sso-session name', default: defaults.name, validate: (v) => check(() => validateSessionName(v.trim()))()}))
  const startUrl =
    given.startUrl ??
    (await input({message: 'Start URL (AWS access portal)', default: defaults.startUrl, validate: (v) => check(() => validateStartUrl(v))()}))
  const region = given.region ?? (await input({message: 'SSO region', default: defaults.region, validate: (v) => check(() => validateRegion(v))()}))
  const scopes =
    given.scopes ??
    (await input({
      message: 'Registration scopes (comma-separated)',
      default: (defaults.scopes ?? ['sso:account:access']).join(','),
      validate: (v) => check(() => validateScopes(v.split(',')))(),
    })).split(',')
  return {name: name.trim(), startUrl: startUrl.trim(), region: region.trim(), scopes: scopes.map((s) => s.trim()).filter(Boolean)}
}
