import {BaseCommand} from '../../cli/base-command.js'
import {noLoginFlag} from '../../cli/shared-flags.js'
import {createAgentLog} from '../../agent/agent-log.js'
import {agentPaths} from '../../agent/agent-paths.js'
import {runAgent} from '../../agent/run-agent.js'
import {createTokenProvider} from '../../sso/token-provider.js'
import {resolvePaths} from '../../util/paths.js'

export default class AgentRun extends BaseCommand {
  static override summary = 'Run the keyless agent in the foreground (for systemd, launchd, or a terminal).'
  static override description = `The agent serves the container-credentials protocol on 127.0.0.1 for every profile credential-process serves, from memory, refreshed ahead of expiry. It runs until SIGTERM, SIGINT, SIGHUP or \`keyless agent stop\`, and logs (never a secret) to $XDG_STATE_HOME/keyless/agent.log. \`keyless agent start\` runs this in the background. With --no-login (or KEYLESS_NO_LOGIN=1) it never opens a browser: requests for a session that needs a sign-in are answered with an error naming \`keyless login --session S\`.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --no-login']

  static override flags = {
    'no-login': noLoginFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(AgentRun)
    const paths = resolvePaths(process.env)
    const log = createAgentLog(agentPaths(process.env, paths).logFile, {now: () => Date.now()})
    const stderr = {write: (text: string) => log.write(text.trimEnd()), isTTY: false}
    const deps = await this.deps({noLogin: flags['no-login'], stderr})
    await runAgent({
      ...deps,
      quietTokens: createTokenProvider(deps, {noLogin: true}),
      log: (line) => log.write(line),
      schedule: (ms, fn) => {
        const timer = setTimeout(() => void fn(), ms)
        return () => clearTimeout(timer)
      },
      pid: process.pid,
      signals: process,
      rss: () => process.memoryUsage.rss(),
      onListening: (url) => process.stderr.write(`keyless agent listening on ${url} (pid ${process.pid})\n`),
    })
  }
}
