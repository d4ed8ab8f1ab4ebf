import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {loginSession, type LoginResult} from '../sso/login-session.js'

export default class Login extends BaseCommand {
  static override summary = 'Sign in to an sso-session through the browser.'
  static override description = `Signs in with the OAuth device authorization grant (default) or with authorization code + PKCE (--flow pkce), and keeps the token in the secret store. With a refreshable session (scope sso:account:access) later commands refresh it silently.

The sign-in URL and code are shown on stderr; the browser opens through $BROWSER when set, else the platform opener. Without a display (SSH, no DISPLAY) PKCE falls back to the device flow. Parallel keyless processes share one sign-in.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --session corp --flow pkce',
    '<%= config.bin %> <%= command.id %> --session corp --no-browser',
    '<%= config.bin %> <%= command.id %> --force --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    session: Flags.string({char: 's', description: 'sso-session name (default: the only one configured)', env: 'KEYLESS_SESSION'}),
    flow: Flags.string({description: 'sign-in flow', options: ['device', 'pkce'], default: 'device'}),
    'no-browser': Flags.boolean({description: 'only print the sign-in URL, do not open a browser'}),
    force: Flags.boolean({char: 'f', description: 'sign in again even with a valid token'}),
  }

  async run(): Promise<LoginResult> {
    const {flags} = await this.parse(Login)
    const flow = flags.flow === 'pkce' ? 'pkce' : 'device'
    const deps = await this.deps({noBrowser: flags['no-browser'], flow})
    return loginSession({session: flags.session, flow, noBrowser: flags['no-browser'], force: flags.force}, deps)
  }
}
