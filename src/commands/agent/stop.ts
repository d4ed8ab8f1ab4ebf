import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {stopAgent, type StopAgentResult} from '../../agent/stop-agent.js'

export default class AgentStop extends BaseCommand {
  static override summary = 'Stop the keyless agent.'
  static override description = 'Asks the running agent to stop and waits until it has. Its credentials leave memory with it; the secret-store cache stays. Without a running agent it says so (exit 0).'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --rotate']

  static override enableJsonFlag = true

  static override flags = {
    rotate: Flags.boolean({description: 'also delete the agent\'s keys: every token handed out so far (shells, guarded grants) stops working'}),
  }

  async run(): Promise<StopAgentResult> {
    const {flags} = await this.parse(AgentStop)
    const deps = await this.deps({noLogin: true})
    const result = await stopAgent({rotate: flags.rotate}, deps)
    this.logToStderr(result.pid === undefined ? 'The keyless agent is not running.' : result.stopped ? `Stopped the keyless agent (pid ${result.pid}).` : `The keyless agent (pid ${result.pid}) did not stop in time.`)
    if (result.rotated) this.logToStderr('Deleted the agent\'s keys: tokens handed out before no longer work; the next start makes new ones.')
    if (result.pid !== undefined && !result.stopped) this.exit(1)
    return result
  }
}
