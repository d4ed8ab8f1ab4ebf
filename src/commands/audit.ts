import {Flags} from '@oclif/core'
import {chooseProfiles} from '../audit/choose-profiles.js'
import {fixKeys, type FixResult} from '../audit/fix-keys.js'
import {formatAuditReport, formatFixResult, formatRestoreResult} from '../audit/format-audit.js'
import {restoreKeys, type RestoreResult} from '../audit/restore-keys.js'
import {runAudit} from '../audit/run-audit.js'
import type {AuditReport} from '../audit/audit-types.js'
import {BaseCommand} from '../cli/base-command.js'
import {KeylessError} from '../errors.js'
import {keylessCommand} from '../sync/keyless-command.js'

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
    '<%= config.bin %> <%= command.id %> --restore --profile legacy-admin',
    '<%= config.bin %> <%= command.id %> --restore --append --profile legacy-admin',
  ]

  static override enableJsonFlag = true

  static override flags = {
    check: Flags.boolean({summary: 'Ask STS GetCallerIdentity which account and principal each key belongs to.', exclusive: ['fix', 'restore']}),
    fix: Flags.boolean({summary: 'Move the keys of the chosen profiles from the files into the secret store.', exclusive: ['restore']}),
    restore: Flags.boolean({summary: 'Put keys moved by --fix back where they were.'}),
    append: Flags.boolean({summary: 'With --restore: lines that cannot go back where they were (the file changed around them) are written as their own section at the end of the file.', dependsOn: ['restore']}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask: fix the --profile profiles, or all with keys.'}),
    profile: Flags.string({summary: 'Profile (or shell file, e.g. ~/.bashrc) to fix or restore; repeatable.', multiple: true}),
    'replace-with': Flags.string({summary: 'With --fix: the emptied profiles get temporary credentials from this keyless profile.', dependsOn: ['fix']}),
  }

  async run(): Promise<AuditReport | FixResult | RestoreResult> {
    const {flags} = await this.parse(Audit)
    const deps = await this.deps({noLogin: true})
    const profiles = flags.profile ?? []
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
      const input = {profiles, yes: flags.yes, replaceWith: flags['replace-with'], keylessCommand: command}
      const result = await fixKeys(input, {...deps, choose: chooseProfiles})
      this.log(formatFixResult(result))
      return result
    }
    const report = await runAudit({check: flags.check}, deps)
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
