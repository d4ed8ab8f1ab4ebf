import {validateRegion, validateScopes, validateSessionName, validateStartUrl} from '../config/validate.js'
import {InterruptedError, KeylessError} from '../errors.js'

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

/** Asks (on the terminal, via stderr) for the fields not given, each validated as it is typed. Ctrl-C is InterruptedError. */
export async function promptSsoSession(given: Partial<SsoSessionAnswers>, defaults: Partial<SsoSessionAnswers>): Promise<SsoSessionAnswers> {
  const prompts = await import('@inquirer/prompts')
  // Prompts go to stderr: stdout is data (`configure --json`).
  const input = async (config: Parameters<typeof prompts.input>[0]) => {
    try {
      return await prompts.input(config, {output: process.stderr})
    } catch (error) {
      const name = (error as Error).name
      if (name === 'ExitPromptError' || name === 'AbortPromptError') throw new InterruptedError()
      throw error
    }
  }
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
