import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {installAgent, type InstallAgentResult} from '../../agent/install-agent.js'
import {resolvePaths} from '../../util/paths.js'

export default class AgentInstall extends BaseCommand {
  static override summary = 'Run the keyless agent at login: write a systemd user unit (Linux) or a LaunchAgent (macOS).'
  static override description = `Writes ~/.config/systemd/user/keyless-agent.service (Linux) or ~/Library/LaunchAgents/dev.keyless.agent.plist (macOS), running \`keyless agent run\` and restarting it when it fails, with the AWS config, endpoint and store variables of this shell (never a secret), then says how to enable it. Writes nothing but that file; a file of that name keyless did not write is left alone unless --force. --print shows the file without writing it.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --print', '<%= config.bin %> <%= command.id %> --platform darwin --print']

  static override enableJsonFlag = true

  static override flags = {
    print: Flags.boolean({description: 'print the unit (or plist) instead of writing it'}),
    force: Flags.boolean({description: 'replace a file of that name keyless did not write'}),
    platform: Flags.string({description: 'which kind of file', options: ['linux', 'darwin']}),
  }

  async run(): Promise<InstallAgentResult> {
    const {flags} = await this.parse(AgentInstall)
    const platform = (flags.platform ?? (process.platform === 'darwin' ? 'darwin' : 'linux')) as 'linux' | 'darwin'
    const result = await installAgent(
      {platform, node: process.execPath, script: process.argv[1], print: flags.print, force: flags.force},
      {env: process.env, home: resolvePaths(process.env).home},
    )
    if (flags.print) process.stdout.write(result.text)
    else if (!this.jsonEnabled()) this.logToStderr(`Wrote ${result.file}. Start it now and at every login:\n${result.next.map((l) => `  ${l}`).join('\n')}`)
    return result
  }
}
