import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {UsageError} from '../errors.js'
import {toProcessJson} from '../credentials/credential-types.js'
import {profileCredentials} from '../credentials/profile-credentials.js'

export default class CredentialProcess extends BaseCommand {
  static override summary = 'Print temporary credentials for a profile, for the AWS credential_process setting.'
  static override description = `Prints exactly the credential_process JSON on stdout ({"Version":1,"AccessKeyId",…,"Expiration"}) and nothing else; messages go to stderr. Credentials come from the secret store while more than 15 minutes remain, else from IAM Identity Center (GetRoleCredentials) or STS (AssumeRole for role chains), fetched once for all parallel callers.

Without a valid session it starts the sign-in (URL and code on stderr) unless --no-login, which fails at once with exit code 3.

Use it from ~/.aws/config:
  [profile dev]
  credential_process = keyless credential-process --profile dev`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --profile dev',
    '<%= config.bin %> <%= command.id %> --profile prod-readonly --no-login',
  ]

  static override flags = {
    profile: Flags.string({char: 'p', description: 'profile in the AWS config (required)'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CredentialProcess)
    if (!flags.profile) {
      throw new UsageError('credential-process needs --profile NAME (a profile in your AWS config).', 'In ~/.aws/config: credential_process = keyless credential-process --profile NAME')
    }
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    // Since this process started (the fast path may have waited for another fetch first): a failure
    // recorded by that fetch is shared, not retried.
    const {credentials} = await profileCredentials(flags.profile, {...deps, startedAt: Math.floor(performance.timeOrigin)})
    await new Promise<void>((resolve) => process.stdout.write(toProcessJson(credentials), () => resolve()))
  }
}
