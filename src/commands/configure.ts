import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {configureSession, type ConfigureResult} from '../sso/configure-session.js'
import {promptSsoSession} from '../ui/prompt-sso-session.js'
import {resolvePaths} from '../util/paths.js'

export default class Configure extends BaseCommand {
  static override summary = 'Add or edit an sso-session (start URL, region, scopes) in the AWS config.'
  static override description = `Writes [sso-session NAME] with sso_start_url, sso_region and sso_registration_scopes to $AWS_CONFIG_FILE (default ~/.aws/config), atomically, changing nothing else in the file. The default scope sso:account:access is what allows silent refresh.

On a terminal, missing values are asked for; otherwise give them as flags. Editing an existing session keeps the values you do not give. --flow pkce|device is remembered as keyless_login_flow and used by every sign-in of the session, including the ones credential-process and exec start; a --flow given to a command overrides it for that call.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --session corp --start-url https://d-1234567890.awsapps.com/start --region eu-west-1',
    '<%= config.bin %> <%= command.id %> --session corp --scopes sso:account:access',
    '<%= config.bin %> <%= command.id %> --session corp --flow pkce',
  ]

  static override enableJsonFlag = true

  static override flags = {
    session: Flags.string({char: 's', description: 'sso-session name'}),
    'start-url': Flags.string({description: 'AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start'}),
    region: Flags.string({description: 'region of the IAM Identity Center instance, e.g. eu-west-1'}),
    scopes: Flags.string({description: 'comma-separated registration scopes (default sso:account:access)'}),
    flow: Flags.string({description: 'sign-in flow of this session for every login, explicit or implicit (keyless_login_flow)', options: ['pkce', 'device']}),
  }

  async run(): Promise<ConfigureResult> {
    const {flags} = await this.parse(Configure)
    const deps = {
      paths: resolvePaths(process.env),
      stderr: {write: (text: string) => void process.stderr.write(text)},
      isInteractive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      prompt: promptSsoSession,
    }
    const scopes = flags.scopes?.split(',').map((s) => s.trim())
    const flow = flags.flow === 'pkce' || flags.flow === 'device' ? flags.flow : undefined
    return configureSession({name: flags.session, startUrl: flags['start-url'], region: flags.region, scopes, flow}, deps)
  }
}
