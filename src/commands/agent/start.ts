import {BaseCommand} from '../../cli/base-command.js'
import {noLoginFlag} from '../../cli/shared-flags.js'
import {ensureAgent} from '../../agent/ensure-agent.js'
import {spawnAgent} from '../../agent/spawn-agent.js'

export default class AgentStart extends BaseCommand {
  static override summary = 'Start the keyless agent in the background (if it is not running) and print where it listens.'
  static override description = `Idempotent: when an agent runs already, prints its address. One agent per user; a stale state file (its process is gone) is replaced. The agent listens on 127.0.0.1 only, on the port kept in $XDG_RUNTIME_DIR/keyless/agent.json (else ~/.cache/keyless/agent/agent.json). Use \`keyless agent env PROFILE\` to point a process at it.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override enableJsonFlag = true

  static override flags = {
    'no-login': noLoginFlag,
  }

  async run(): Promise<{pid: number; url: string; started: boolean}> {
    const {flags} = await this.parse(AgentStart)
    const deps = await this.deps({noLogin: true})
    const noLogin = flags['no-login'] || deps.env.KEYLESS_NO_LOGIN === '1' || deps.env.KEYLESS_NO_LOGIN === 'true'
    const agent = await ensureAgent({...deps, spawnAgent: () => spawnAgent({node: process.execPath, script: process.argv[1], env: deps.env, noLogin})})
    this.log(`${agent.started ? 'Started' : 'Already running:'} keyless agent at ${agent.url} (pid ${agent.state.pid}).`)
    return {pid: agent.state.pid, url: agent.url, started: agent.started}
  }
}
