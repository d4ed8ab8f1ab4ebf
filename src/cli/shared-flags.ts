import {Flags} from '@oclif/core'

/** `--no-login`, for every command that may need a session token (KEYLESS_NO_LOGIN=1 does the same). */
export const noLoginFlag = Flags.boolean({description: 'fail (exit 3) instead of signing in when a session has expired'})

/** `--flow`, for every command that may sign in: overrides the sso-session's keyless_login_flow for this call. */
export const flowFlag = Flags.string({description: 'sign-in flow if a sign-in is needed (default: the sso-session\'s keyless_login_flow, else device)', options: ['device', 'pkce']})

/** The --flow value as a LoginFlow (undefined when not given). */
export function flowOf(value: string | undefined): 'device' | 'pkce' | undefined {
  return value === 'device' || value === 'pkce' ? value : undefined
}
