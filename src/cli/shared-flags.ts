import {Flags} from '@oclif/core'

/** `--no-login`, for every command that may need a session token (KEYLESS_NO_LOGIN=1 does the same). */
export const noLoginFlag = Flags.boolean({description: 'fail (exit 3) instead of signing in when a session has expired'})
