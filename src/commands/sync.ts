import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {discoveryPortalClient} from '../portal/discovery-client.js'
import {keylessCommand} from '../sync/keyless-command.js'
import {syncProfiles, type SyncResult} from '../sync/sync-profiles.js'

export default class Sync extends BaseCommand {
  static override summary = 'Write one AWS config profile per account/role pair you can use.'
  static override description = `Writes a managed block per sso-session into $AWS_CONFIG_FILE, between marker comments, with one profile per account/role pair: credential_process = keyless credential-process --profile NAME, keyless_session, keyless_account_id, keyless_account_name, keyless_role_name, region, and keyless_environment = prod for production-like accounts. Every AWS tool can then use --profile NAME.

Profile names come from a template (default {account_name}.{role_name}; placeholders {session}, {account_id}, {account_name}, {role_name}), reduced to characters the AWS CLI accepts and remembered in the sso-session as keyless_profile_template. A name once written never changes while its account/role exists: a newcomer whose name is taken (another session, another account of that name) gets a .SESSION suffix (two accounts with one name: .ACCOUNT_ID), with a warning naming both; names that collide in one run are all suffixed. A name that a profile outside the managed blocks already uses is skipped with a warning, never overwritten. Pairs you lost access to are removed.

Every byte outside the managed blocks is kept. The file is replaced atomically, the previous one kept as $AWS_CONFIG_FILE.keyless-backup. Running sync again changes nothing unless your access changed. --dry-run prints the diff instead. credential_process calls \`keyless\` when it is on PATH, else this installation's absolute path; set KEYLESS_BIN to choose.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --session corp --template "{session}-{account_name}-{role_name}" --region eu-central-1',
    '<%= config.bin %> <%= command.id %> --dry-run',
  ]

  static override enableJsonFlag = true

  static override flags = {
    session: Flags.string({char: 's', description: 'only this sso-session (default: all)', env: 'KEYLESS_SESSION'}),
    template: Flags.string({char: 't', description: 'profile name template, e.g. {account_name}.{role_name} (remembered)'}),
    region: Flags.string({description: 'region of the generated profiles (remembered; default: the sso_region)'}),
    'dry-run': Flags.boolean({char: 'n', description: 'print the diff of the AWS config; write nothing'}),
    refresh: Flags.boolean({char: 'r', description: 'ask the portal again instead of using the account cache'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<SyncResult> {
    const {flags} = await this.parse(Sync)
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    const command = keylessCommand({env: deps.env, script: process.argv[1], node: process.execPath})
    const input = {session: flags.session, template: flags.template, region: flags.region, dryRun: flags['dry-run'], refresh: flags.refresh, keylessCommand: command}
    const result = await syncProfiles(input, {...deps, portal: discoveryPortalClient(deps.clients)})
    for (const s of result.skipped) {
      if (s.next !== undefined) this.logToStderr(`keyless: warning: not writing a profile for ${s.session} ${s.accountId} ${s.roleName}: ${s.reason}. ${s.next}`)
      else this.logToStderr(`keyless: warning: not writing profile "${s.profile}" (${s.session} ${s.accountId} ${s.roleName}): ${s.reason}; it is left as it is. Rename that profile or use --template.`)
    }
    for (const s of result.suffixed) {
      this.logToStderr(`keyless: warning: ${s.session} ${s.accountId} ${s.roleName} is written as "${s.profile}": the existing profile "${s.kept}" keeps its name.`)
    }
    if (this.jsonEnabled()) return result
    if (result.dryRun) {
      if (result.diff) this.log(result.diff.trimEnd())
      this.logToStderr(result.changed ? `Dry run: ${result.configFile} not changed.` : `${result.configFile} is up to date.`)
      return result
    }
    const summary = result.sessions.map((s) => `${s.session}: ${s.profiles} profiles`).join(', ')
    this.logToStderr(
      result.changed
        ? `Updated ${result.configFile} (${summary}; ${result.added.length} added, ${result.removed.length} removed). Backup: ${result.backup ?? 'none (new file)'}.`
        : `${result.configFile} is up to date (${summary}).`,
    )
    return result
  }
}
