import {writeFile} from 'node:fs/promises'
import {Args, Flags} from '@oclif/core'
import {agentEndpoint} from '../agent/agent-env.js'
import {spawnAgent} from '../agent/spawn-agent.js'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {discoveryPortalClient} from '../portal/discovery-client.js'
import {isSwitchShell} from '../switch/shell-exports.js'
import {openSubshell} from '../switch/open-subshell.js'
import {switchProfile, type SwitchResult} from '../switch/switch-profile.js'

export default class Switch extends BaseCommand {
  static override summary = 'Pick an account and role with a fuzzy finder and switch to it.'
  static override description = `A fuzzy picker (fzf's matching and extended syntax: "prod admin", 'exact, ^prefix, suffix$, !not) over every account/role pair of every sso-session and the profiles of your AWS config, matching account name, id, role, session and profile name, best matches first, then the ones you use most and last. Production-like accounts are marked [PROD]. Enter switches, Esc or Ctrl-C cancels (exit 130).

A QUERY with exactly one match switches without the picker; without a terminal, QUERY is required and an ambiguous one fails listing the best matches (exit 2). "-" goes back to the previous profile.

With the shell function (\`eval "$(keyless shell-init zsh)"\`, see shell-init), switch sets AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION in the shell you run it from. Without it, switch opens a new shell with the credentials (as exec does). --print only prints the profile name.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> prod admin',
    '<%= config.bin %> <%= command.id %> -',
    'aws s3 ls --profile "$(<%= config.bin %> <%= command.id %> --print workload-dev.ReadOnly)"',
  ]

  static override strict = false

  static override args = {
    query: Args.string({description: 'what to switch to: part of an account name, id, role or profile; "-" for the previous one'}),
  }

  static override flags = {
    print: Flags.boolean({char: 'p', description: 'print the chosen profile name on stdout; change nothing'}),
    yes: Flags.boolean({char: 'y', description: 'answer yes to the confirmation of production accounts'}),
    refresh: Flags.boolean({char: 'r', description: 'ask the portal for the account list instead of using the cache'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<SwitchResult> {
    const {argv, flags} = await this.parse(Switch)
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    const file = deps.env.KEYLESS_SHELL_EXPORT_FILE
    const shell = isSwitchShell(deps.env.KEYLESS_SHELL) && file ? {shell: deps.env.KEYLESS_SHELL, exportFile: file, agent: deps.env.KEYLESS_SHELL_AGENT === '1'} : undefined
    const noLogin = flags['no-login'] || deps.env.KEYLESS_NO_LOGIN === '1' || deps.env.KEYLESS_NO_LOGIN === 'true'
    const result = await switchProfile(
      {query: (argv as string[]).join(' ') || undefined, print: flags.print, yes: flags.yes, refresh: flags.refresh, shell},
      {
        ...deps,
        portal: discoveryPortalClient(deps.clients),
        pick: async (options) => (await import('../ui/picker.js')).pick({...options, input: process.stdin, output: process.stderr, pageSize: Math.max(5, Math.min(15, (process.stderr.rows ?? 24) - 6))}),
        writeExports: (path, text) => writeFile(path, text, {mode: 0o600}),
        subshell: (profile, environment) => openSubshell(profile, environment, {...deps, signals: process}),
        agentEndpoint: (name, guarded) =>
          agentEndpoint(name, guarded, {...deps, spawnAgent: () => spawnAgent({node: process.execPath, script: process.argv[1], env: deps.env, noLogin})}),
      },
    )
    if (result.action === 'subshell' && result.exitCode !== 0) this.exit(result.exitCode)
    return result
  }
}
