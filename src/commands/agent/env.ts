import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {noLoginFlag} from '../../cli/shared-flags.js'
import {agentEnv} from '../../agent/agent-env.js'
import {spawnAgent} from '../../agent/spawn-agent.js'
import {shellExports, switchShells, type SwitchShell} from '../../switch/shell-exports.js'

export default class AgentEnv extends BaseCommand {
  static override summary = 'Print the variables that make a process get a profile\'s credentials from the keyless agent.'
  static override description = `Starts the agent when it is not running, then prints AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION and KEYLESS_PROFILE as shell commands (and removes AWS_PROFILE and other variables the SDKs would prefer), or as one JSON object with --json. Every AWS SDK and the AWS CLI then fetch fresh credentials from the agent whenever they need them.

A guarded (production) profile asks for confirmation on the terminal (or needs --yes) and gets a token that unlocks that profile only; the agent refuses it to any other token.`

  static override examples = [
    'eval "$(<%= config.bin %> <%= command.id %> workload-dev.ReadOnlyAccess)"',
    '<%= config.bin %> <%= command.id %> workload-dev.ReadOnlyAccess --shell fish | source',
    '<%= config.bin %> <%= command.id %> workload-dev.ReadOnlyAccess --json',
  ]

  static override args = {
    profile: Args.string({description: 'profile in the AWS config', required: true}),
  }

  static override flags = {
    shell: Flags.string({description: 'the shell syntax to print', options: [...switchShells], default: 'bash'}),
    json: Flags.boolean({description: 'print the variables as one JSON object'}),
    yes: Flags.boolean({char: 'y', description: 'answer yes to the confirmation of a guarded (production) profile'}),
    'no-login': noLoginFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(AgentEnv)
    const deps = await this.deps({noLogin: true})
    const noLogin = flags['no-login'] || deps.env.KEYLESS_NO_LOGIN === '1' || deps.env.KEYLESS_NO_LOGIN === 'true'
    const result = await agentEnv(
      {profile: args.profile, yes: flags.yes},
      {...deps, spawnAgent: () => spawnAgent({node: process.execPath, script: process.argv[1], env: deps.env, noLogin})},
    )
    const text = flags.json
      ? `${JSON.stringify(Object.fromEntries(result.set))}\n`
      : shellExports(flags.shell as SwitchShell, [...result.unset.map((name): [string, undefined] => [name, undefined]), ...result.set])
    process.stdout.write(text)
  }
}
