import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf} from '../cli/shared-flags.js'
import {loginSession, type LoginResult} from '../sso/login-session.js'

export default class Login extends BaseCommand {
  static override summary = 'Sign in to an sso-session through the browser.'
  static override description = `Signs in with the OAuth device authorization grant (default) or with authorization code + PKCE (--flow pkce), and keeps the token in the secret store. With a refreshable session (scope sso:account:access) later commands refresh it silently.

Without --flow the sso-session's keyless_login_flow decides (keyless configure --flow), else device.

The sign-in URL and code are shown on stderr; the browser opens through $BROWSER when set, else the platform opener (under WSL the Windows browser: wslview, cmd.exe or powershell.exe). Over SSH or without a display, PKCE prints the URL and takes the redirected http://127.0.0.1:PORT/… address pasted back on the terminal (state checked); with --no-browser it takes that paste or the loopback redirect, whichever comes first. Parallel keyless processes share one sign-in.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --session corp --flow pkce',
    '<%= config.bin %> <%= command.id %> --session corp --no-browser',
    '<%= config.bin %> <%= command.id %> --session corp --no-browser --flow pkce',
    '<%= config.bin %> <%= command.id %> --force --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    session: Flags.string({char: 's', description: 'sso-session name (default: the only one configured)', env: 'KEYLESS_SESSION'}),
    flow: flowFlag,
    'no-browser': Flags.boolean({description: 'only print the sign-in URL, do not open a browser'}),
    force: Flags.boolean({char: 'f', description: 'sign in again even with a valid token'}),
  }

  async run(): Promise<LoginResult> {
    const {flags} = await this.parse(Login)
    const flow = flowOf(flags.flow)
    const deps = await this.deps({noBrowser: flags['no-browser'], flow})
    return loginSession({session: flags.session, flow, noBrowser: flags['no-browser'], force: flags.force}, deps)
  }
}
