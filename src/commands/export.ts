import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {exportCredentials} from '../export/export-credentials.js'
import {exportFormats, type ExportFormat} from '../export/format-credentials.js'

export default class Export extends BaseCommand {
  static override summary = 'Print a profile\'s temporary credentials for a shell or a tool.'
  static override description = `Prints AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and (when the profile has one) AWS_REGION and AWS_DEFAULT_REGION, quoted for the chosen shell, like \`aws configure export-credentials\` and \`aws-vault export\`. --format json (or --json) prints the credential_process JSON.

Formats: env (bash, zsh, sh: export NAME='value'), env-no-export, fish, powershell, windows-cmd, dotenv, json. windows-cmd and dotenv refuse a value they cannot carry exactly (real credentials never need that).

A guarded (production) profile asks first, as exec does; without a terminal it needs --yes. Printing to a terminal works, with a warning on stderr.`

  static override examples = [
    'eval "$(<%= config.bin %> <%= command.id %> dev)"',
    '<%= config.bin %> <%= command.id %> dev --format fish | source',
    '<%= config.bin %> <%= command.id %> dev --format dotenv > .env',
    '<%= config.bin %> <%= command.id %> prod --format powershell --yes',
  ]

  static override args = {
    profile: Args.string({description: 'profile in the AWS config', required: true}),
  }

  static override flags = {
    format: Flags.string({description: 'output format (default: env)', options: [...exportFormats]}),
    json: Flags.boolean({description: 'the credential_process JSON (same as --format json)', exclusive: ['format']}),
    yes: Flags.boolean({char: 'y', description: 'answer yes to confirmations (guarded profiles)'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Export)
    const format = (flags.json ? 'json' : (flags.format ?? 'env')) as ExportFormat
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    const text = await exportCredentials({profile: args.profile, format, yes: flags.yes}, {...deps, stdoutIsTerminal: Boolean(deps.stdout.isTTY)})
    deps.stdout.write(text)
  }
}
