import {Args, Flags} from '@oclif/core'
import {agentEndpoint} from '../agent/agent-env.js'
import {findAgent} from '../agent/find-agent.js'
import {spawnAgent} from '../agent/spawn-agent.js'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {execWithCredentials} from '../exec/exec-with-credentials.js'

export default class Exec extends BaseCommand {
  static override summary = 'Run a command with a profile\'s temporary credentials in its environment.'
  static override description = `Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION and KEYLESS_PROFILE for the command (default: $SHELL), and removes AWS_PROFILE, AWS_DEFAULT_PROFILE and other credential variables. The command's exit code is passed through (128+N when a signal ends it); SIGINT, SIGTERM and SIGHUP are forwarded to it.

With --server the command gets no keys: a local endpoint on 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI, protected by a random AWS_CONTAINER_AUTHORIZATION_TOKEN) serves fresh credentials whenever the AWS SDK or CLI asks, so commands that outlive one set of credentials keep working. When the keyless agent runs, --server uses it instead of a private endpoint; --agent uses it and starts it if needed.

Inside another keyless exec (KEYLESS_PROFILE is set) it refuses, unless --force.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> dev -- aws sts get-caller-identity',
    '<%= config.bin %> <%= command.id %> prod --server -- terraform apply',
    '<%= config.bin %> <%= command.id %> sandbox',
  ]

  static override strict = false

  static override args = {
    profile: Args.string({description: 'profile in the AWS config', required: true}),
  }

  static override flags = {
    server: Flags.boolean({description: 'serve credentials from a local endpoint instead of setting keys (the keyless agent when it runs)'}),
    agent: Flags.boolean({description: 'serve credentials from the keyless agent, starting it if needed'}),
    force: Flags.boolean({char: 'f', description: 'run even inside another keyless exec'}),
    yes: Flags.boolean({char: 'y', description: 'answer yes to confirmations (guarded profiles)'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<void> {
    // Flags go before `--`; everything after it is the command, verbatim.
    const raw = [...this.argv]
    const separator = raw.indexOf('--')
    const {args, argv, flags} = await this.parse(Exec, separator === -1 ? raw : raw.slice(0, separator))
    const command = separator === -1 ? (argv.slice(1) as string[]) : raw.slice(separator + 1)
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    const code = await execWithCredentials(
      {profile: args.profile, command: command[0], args: command.slice(1), server: flags.server, agent: flags.agent, force: flags.force, yes: flags.yes},
      {
        ...deps,
        signals: process,
        forwardInterrupt: !process.stdin.isTTY,
        agentEndpoint: async (name, scoped, start) => {
          if (!start && !(await findAgent(deps))) return undefined
          const noLogin = flags['no-login'] || deps.env.KEYLESS_NO_LOGIN === '1' || deps.env.KEYLESS_NO_LOGIN === 'true'
          return agentEndpoint(name, scoped, {...deps, spawnAgent: () => spawnAgent({node: process.execPath, script: process.argv[1], env: deps.env, noLogin})})
        },
      },
    )
    if (code !== 0) this.exit(code)
  }
}
