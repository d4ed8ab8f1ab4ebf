import {BaseCommand} from '../../cli/base-command.js'
import {agentStatus, formatAgentStatus, type AgentStatusResult} from '../../agent/agent-status.js'

export default class AgentStatus extends BaseCommand {
  static override summary = 'Show whether the keyless agent runs: pid, address, uptime, the profiles it holds and their time left.'
  static override description = 'Never shows a secret. Exit code 0 when the agent runs, 1 when it does not (so scripts can test it).'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override enableJsonFlag = true

  async run(): Promise<AgentStatusResult> {
    await this.parse(AgentStatus)
    const deps = await this.deps({noLogin: true})
    const result = await agentStatus(deps)
    if (!this.jsonEnabled()) this.log(formatAgentStatus(result))
    if (!result.running) process.exitCode = 1
    return result
  }
}
