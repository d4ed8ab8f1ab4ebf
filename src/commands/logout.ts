import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {forgetAgentSessions} from '../agent/forget-agent-sessions.js'
import {logoutSession, type SessionLogout} from '../sso/logout-session.js'

export default class Logout extends BaseCommand {
  static override summary = 'Sign out: end the portal session and remove every secret of the session.'
  static override description = `Calls the AWS access portal Logout API with the session token (best effort: when the portal cannot be reached this is said and the local secrets are removed anyway), then deletes the client registration, the token and every cached role credential of the session from the secret store.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --session corp',
    '<%= config.bin %> <%= command.id %> --all --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    session: Flags.string({char: 's', description: 'sso-session name (default: the only one configured)', env: 'KEYLESS_SESSION', exclusive: ['all']}),
    all: Flags.boolean({description: 'every session, also those no longer in the config', exclusive: ['session']}),
  }

  async run(): Promise<{sessions: SessionLogout[]}> {
    const {flags} = await this.parse(Logout)
    const deps = await this.deps({noLogin: true})
    const sessions = await logoutSession({session: flags.session, all: flags.all}, deps)
    // A running agent drops those sessions' credentials from memory now, not at their expiry.
    const dropped = await forgetAgentSessions(sessions.map((s) => s.session), deps).catch(() => undefined)
    if (dropped !== undefined) this.logToStderr(`The keyless agent forgot ${dropped} profile${dropped === 1 ? '' : 's'} of ${sessions.map((s) => s.session).join(', ')}.`)
    return {sessions}
  }
}
