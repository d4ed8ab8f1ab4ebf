import {BaseCommand} from '../cli/base-command.js'
import {colorEnabled} from '../guard/guard-style.js'
import {sessionStatus, type StatusResult} from '../status/session-status.js'
import {formatStatus} from '../status/format-status.js'

export default class Status extends BaseCommand {
  static override summary = 'Show sessions, token and registration expiry, cached credentials and the secret store.'
  static override description = `For each sso-session: start URL, region, whether the token is valid and for how long, whether it can be refreshed silently, when the client registration expires, each cached role credential (account id and name, role, time left, the profiles it serves; production ones marked [PROD], in red on a color terminal, and guarded in --json), and which secret store is in use. Never shows a secret; never signs in.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override enableJsonFlag = true

  async run(): Promise<StatusResult> {
    await this.parse(Status)
    const deps = await this.deps({noLogin: true})
    const result = await sessionStatus({nodeVersion: process.version}, deps)
    this.log(formatStatus(result, {color: colorEnabled(deps.stdout, deps.env)}))
    if (result.node.note) this.logToStderr(`note: ${result.node.note}`)
    return result
  }
}
