import {Args, Flags} from '@oclif/core'
import {rotateKey, type RotateResult} from '../audit/rotate-key.js'
import {BaseCommand} from '../cli/base-command.js'
import {askOnTerminal} from '../guard/ask-on-terminal.js'

export default class Rotate extends BaseCommand {
  static override summary = 'Replace the IAM-user key a profile keeps in the secret store with a new one.'
  static override description = `For a profile served from a stored key (keyless_stored_key, from \`keyless audit --fix --keep\`): creates a new access key (CreateAccessKey), proves it works, stores it (the profile uses it at once), then deactivates the old key, proves it dead and deletes it. A user that already has two keys is refused before anything changes; a failure once the new key exists keeps both and says what state each is in. IAM calls are signed by --via, by the keyless profile covering the account, or by the key itself (AWS's self-service policy).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> legacy --yes',
    '<%= config.bin %> <%= command.id %> legacy --via workload-dev.AdministratorAccess',
  ]

  static override enableJsonFlag = true

  static override args = {
    profile: Args.string({description: 'profile served from a stored key', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask.'}),
    via: Flags.string({summary: 'Sign the IAM calls with this keyless profile.'}),
  }

  async run(): Promise<RotateResult> {
    const {args, flags} = await this.parse(Rotate)
    const deps = await this.deps({noLogin: true})
    const result = await rotateKey({profile: args.profile, yes: flags.yes, ...(flags.via ? {via: flags.via} : {})}, {...deps, askTyped: askOnTerminal})
    this.log(`Rotated ${result.profile}: new key ${result.newKeyId} proven working and stored; old key ${result.oldKeyId} deactivated, proven dead and deleted.`)
    return result
  }
}
