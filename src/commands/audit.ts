import {Flags} from '@oclif/core'
import {chooseProfiles} from '../audit/choose-profiles.js'
import {fixKeys, type FixResult} from '../audit/fix-keys.js'
import {formatAuditReport, formatFixResult, formatRestoreResult} from '../audit/format-audit.js'
import {restoreKeys, type RestoreResult} from '../audit/restore-keys.js'
import {deleteKey, reactivateKey, retireKey, type DeleteResult, type ReactivateResult, type RetireResult} from '../audit/retire-key.js'
import {askOnTerminal} from '../guard/ask-on-terminal.js'
import {keyOwner} from '../audit/key-owner.js'
import {runAudit} from '../audit/run-audit.js'
import type {AuditReport} from '../audit/audit-types.js'
import {BaseCommand} from '../cli/base-command.js'
import {KeylessError, UsageError} from '../errors.js'
import {keylessCommand} from '../sync/keyless-command.js'
import {shellQuote} from '../util/shell-quote.js'

export default class Audit extends BaseCommand {
  static override summary = 'Find long-lived AWS access keys on this machine and move them off disk.'
  static override description = `Looks in the AWS credentials and config files (and copies of them), the environment, shell start-up files (bash, zsh, sh, fish, csh) and the AWS CLI's plaintext caches. Each finding says where it is, the profile, the key id (first and last 4 characters), how old the file is, the severity and what to do. Never prints a secret.

Exit status: 0 when no long-lived key was found, 1 when one was (for onboarding scripts and CI).

--check asks STS who each key belongs to. --fix moves the key lines of the chosen profiles into the secret store (a checklist on a terminal; --yes and --profile for scripts) and --replace-with points the emptied profiles at a keyless profile, so they keep their names. --restore puts the lines back byte for byte.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --check',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --fix',
    '<%= config.bin %> <%= command.id %> --fix --yes --profile legacy-admin --replace-with prod-admin',
    '<%= config.bin %> <%= command.id %> --fix --keep --yes --profile legacy-admin',
    '<%= config.bin %> <%= command.id %> --restore --profile legacy-admin',
    '<%= config.bin %> <%= command.id %> --retire --profile legacy-admin --yes',
    '<%= config.bin %> <%= command.id %> --reactivate --profile legacy-admin',
    '<%= config.bin %> <%= command.id %> --delete --profile legacy-admin --yes',
    '<%= config.bin %> <%= command.id %> --restore --append --profile legacy-admin',
  ]

  static override enableJsonFlag = true

  static override flags = {
    check: Flags.boolean({summary: 'Ask AWS who owns each key, its status and last use, and which keyless profile covers its account.', exclusive: ['fix', 'restore', 'retire', 'reactivate', 'delete']}),
    fix: Flags.boolean({summary: 'Move the keys of the chosen profiles from the files into the secret store.', exclusive: ['restore', 'retire', 'reactivate', 'delete']}),
    retire: Flags.boolean({summary: 'Deactivate the --profile key in IAM, prove it dead, remove it from the files (kept in the store for --reactivate).', exclusive: ['restore', 'reactivate', 'delete']}),
    reactivate: Flags.boolean({summary: 'Undo --retire: reactivate the key in IAM and put its lines back.', exclusive: ['restore', 'delete']}),
    delete: Flags.boolean({summary: 'Delete a retired (inactive) key in IAM and keyless\'s copy of it.', exclusive: ['restore']}),
    via: Flags.string({summary: 'Sign the IAM calls with this keyless profile (default: the profile covering the key\'s account, else the key itself).'}),
    force: Flags.boolean({summary: 'With --retire --yes: deactivate even a key used in the last 24 hours, without a terminal.'}),
    restore: Flags.boolean({summary: 'Put keys moved by --fix back where they were.'}),
    append: Flags.boolean({summary: 'With --restore: lines that cannot go back where they were (the file changed around them) are written as their own section at the end of the file.', dependsOn: ['restore']}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask: fix the --profile profiles, or all with keys.'}),
    profile: Flags.string({summary: 'Profile (or shell file, e.g. ~/.bashrc) to fix or restore; repeatable.', multiple: true}),
    'replace-with': Flags.string({summary: 'With --fix or --retire: the emptied profiles get temporary credentials from this keyless profile.', exclusive: ['keep']}),
    keep: Flags.boolean({summary: 'With --fix: keep the key in the secret store and serve the profile as GetSessionToken credentials (MFA with mfa_serial).', dependsOn: ['fix']}),
  }

  async run(): Promise<AuditReport | FixResult | RestoreResult | RetireResult | ReactivateResult | DeleteResult> {
    const {flags} = await this.parse(Audit)
    if (flags['replace-with'] !== undefined && !flags.fix && !flags.retire) throw new UsageError('--replace-with goes with --fix or --retire.', 'Add --fix or --retire.')
    const deps = await this.deps({noLogin: true})
    const profiles = flags.profile ?? []
    if (flags.retire || flags.reactivate || flags.delete) {
      if (profiles.length !== 1) throw new UsageError('--retire, --reactivate and --delete take exactly one --profile.', 'Name the profile whose key to change.')
      const profile = profiles[0]
      const via = flags.via
      const iamDeps = {...deps, askTyped: askOnTerminal}
      if (flags.retire) {
        const command = keylessCommand({env: deps.env, script: process.argv[1], node: process.execPath})
        const result = await retireKey({profile, via, yes: flags.yes, force: flags.force, replaceWith: flags['replace-with'], keylessCommand: command}, iamDeps)
        this.log(`Retired key ${result.owner.keyId} of ${result.owner.userName} (account ${result.owner.account}): Inactive in IAM, proven dead (InvalidClientTokenId)${result.files.length > 0 ? `, removed from ${result.files.join(', ')}` : ''}.`)
        if (result.replacedWith) this.log(`  ${profile} now gets temporary credentials from keyless profile ${result.replacedWith}.`)
        this.log(`Kept in the secret store (${result.storeKey}) only for: keyless audit --reactivate --profile ${shellQuote(profile)}; delete it for good with keyless audit --delete --profile ${shellQuote(profile)}.`)
        return result
      }
      if (flags.reactivate) {
        const result = await reactivateKey({profile, via}, iamDeps)
        this.log(`Reactivated key ${result.owner.keyId} of ${result.owner.userName}: Active in IAM, ${result.provenAlive ? 'proven working' : 'not yet answering'}${result.restoredFiles.length > 0 ? `; lines put back in ${result.restoredFiles.join(', ')}` : ''}.`)
        return result
      }
      const result = await deleteKey({profile, via, yes: flags.yes}, iamDeps)
      this.log(`Deleted key ${result.owner.keyId} of ${result.owner.userName} (account ${result.owner.account}) in IAM.`)
      return result
    }
    if (flags.restore) {
      const result = await restoreKeys({profiles, append: flags.append}, deps)
      this.log(formatRestoreResult(result))
      if (result.failed.length > 0) {
        throw new KeylessError(`${result.failed.length} profile(s) could not be restored: the file changed around the removed lines.`, {
          code: 'RestoreIncomplete',
          hint: 'Run `keyless audit --restore --append` to write the saved lines as their own section at the end of the file.',
        })
      }
      return result
    }
    if (flags.fix) {
      const command = keylessCommand({env: deps.env, script: process.argv[1], node: process.execPath})
      const input = {profiles, yes: flags.yes, replaceWith: flags['replace-with'], keep: flags.keep, keylessCommand: command}
      const result = await fixKeys(input, {...deps, choose: chooseProfiles})
      this.log(formatFixResult(result))
      return result
    }
    const owner = (key: {accessKeyId: string; secretAccessKey: string}) => keyOwner({key, ...(flags.via ? {via: flags.via} : {})}, deps)
    const report = await runAudit({check: flags.check}, {...deps, owner})
    const color = Boolean(deps.stdout.isTTY) && !deps.env.NO_COLOR
    this.log(formatAuditReport(report, deps.now(), color))
    if (report.summary.longLived > 0) {
      // A deliberate status, not an error: print the data first (oclif prints --json only on return).
      if (this.jsonEnabled()) this.logJson(report)
      this.exit(1)
    }
    return report
  }
}
