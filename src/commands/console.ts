import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {openConsole, type ConsoleResult} from '../console/open-console.js'
import {callBudgetMs} from '../util/aws-clients.js'

export default class Console extends BaseCommand {
  static override summary = 'Open the AWS console signed in as a profile\'s role (or print the sign-in URL).'
  static override description = `Gets the profile's temporary credentials, exchanges them at the AWS federation endpoint for a sign-in token (getSigninToken), and opens the console sign-in URL (Action=login) in your browser ($BROWSER, else the system opener). The sign-in and console hosts follow the region's partition: aws, aws-us-gov or aws-cn. --destination is a service (s3, ec2, cloudwatch…) opened in the region, or a full console URL.

The console session lasts --duration for Identity Center roles; for role chains AWS decides (at most an hour). --print writes the URL to stdout instead: it signs in whoever opens it for 15 minutes, so do not paste it anywhere shared. KEYLESS_FEDERATION_ENDPOINT (or AWS_ENDPOINT_URL_SIGNIN) points keyless at another federation endpoint.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> workload-dev.ReadOnlyAccess',
    '<%= config.bin %> <%= command.id %> workload-dev.ReadOnlyAccess --destination s3 --region eu-central-1',
    '<%= config.bin %> <%= command.id %> gov.Admin --print',
  ]

  static override enableJsonFlag = true

  static override args = {
    profile: Args.string({description: 'profile in the AWS config', required: true}),
  }

  static override flags = {
    print: Flags.boolean({char: 'p', description: 'print the sign-in URL instead of opening the browser'}),
    region: Flags.string({description: 'console region (default: the profile\'s region)'}),
    destination: Flags.string({char: 'd', description: 'service name (s3, ec2, …) or console URL to open'}),
    duration: Flags.integer({description: 'console session length in seconds for Identity Center roles (900-43200)', default: 3600}),
    yes: Flags.boolean({char: 'y', description: 'answer yes to the confirmation of production accounts'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<ConsoleResult> {
    const {args, flags} = await this.parse(Console)
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    return openConsole(
      {profile: args.profile, print: flags.print, region: flags.region, destination: flags.destination, durationSeconds: flags.duration, yes: flags.yes},
      // With --json the URL is in the JSON result, not on a line of its own.
      // The sign-in token call is bounded like every AWS SDK call.
      {...deps, fetch: (url, init) => fetch(url, {...init, signal: AbortSignal.timeout(deps.clients.callBudgetMs ?? callBudgetMs())}), stdout: {write: (text) => void (this.jsonEnabled() || deps.stdout.write(text)), isTTY: deps.stdout.isTTY}},
    )
  }
}
