import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {keylessCommand} from '../sync/keyless-command.js'
import {shellInitScript} from '../switch/shell-init-script.js'
import {switchShells, type SwitchShell} from '../switch/shell-exports.js'

export default class ShellInit extends BaseCommand {
  static override summary = 'Print the shell function that lets `keyless switch` change your current shell.'
  static override description = `A program cannot change the environment of the shell that started it, so \`keyless switch\` alone can only open a new shell. This prints a \`keyless\` shell function that runs keyless and, after \`keyless switch\`, applies AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION to your shell (and remembers the previous profile for \`keyless switch -\`). Every other subcommand passes straight through. It also defines \`keyless_prompt\`, a prompt segment showing the profile in use (white on red for production), and completes profile names after exec, console, switch and --profile (bash, zsh, fish; in bash and zsh put it after the \`keyless autocomplete\` setup, whose completion it extends; zsh needs \`compinit\` to have run before the eval).

Add it to your shell's start-up file:
  bash  ~/.bashrc                    eval "$(keyless shell-init bash)"
  zsh   ~/.zshrc                     eval "$(keyless shell-init zsh)"
  fish  ~/.config/fish/config.fish   keyless shell-init fish | source

With --agent (or KEYLESS_AGENT=1), switch instead sets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN (the keyless agent, started when needed), KEYLESS_PROFILE and the region, and removes AWS_PROFILE.`

  static override examples = ['eval "$(<%= config.bin %> <%= command.id %> zsh)"', 'eval "$(<%= config.bin %> <%= command.id %> bash --agent)"', 'eval "$(<%= config.bin %> <%= command.id %> bash)"', '<%= config.bin %> <%= command.id %> fish | source']

  static override args = {
    shell: Args.string({description: 'the shell', required: true, options: [...switchShells]}),
  }

  static override flags = {
    agent: Flags.boolean({
      description: 'switch points the shell at the keyless agent (AWS_CONTAINER_CREDENTIALS_FULL_URI + token) instead of setting AWS_PROFILE',
      env: 'KEYLESS_AGENT',
    }),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ShellInit)
    const command = keylessCommand({env: process.env, script: process.argv[1], node: process.execPath})
    const commands = this.config.commands.filter((c) => !c.hidden).map((c) => c.id)
    this.streams().stdout.write(shellInitScript(args.shell as SwitchShell, command, commands, {agent: flags.agent}))
  }
}
