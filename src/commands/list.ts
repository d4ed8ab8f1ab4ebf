import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {flowFlag, flowOf, noLoginFlag} from '../cli/shared-flags.js'
import {colorEnabled, formatGuardBadge} from '../guard/guard-style.js'
import {discoveryPortalClient} from '../portal/discovery-client.js'
import {listPairs, type ListPairsResult} from '../list/list-pairs.js'
import {renderTable} from '../ui/table.js'

export default class List extends BaseCommand {
  static override summary = 'List the AWS accounts and roles you can use, across your sso-sessions.'
  static override description = `Asks the AWS access portal for every account and role (permission set) assigned to you — ListAccounts, then ListAccountRoles per account, paginated, with a request rate that adapts to throttling — and caches the result for an hour under $XDG_CACHE_HOME/keyless. --refresh asks again. Shows the profile serving each pair (see \`keyless sync\`); production-like accounts are marked [PROD].`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --session corp --refresh',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.pairs[] | select(.roleName == "ReadOnlyAccess") | .accountId\'',
  ]

  static override enableJsonFlag = true

  static override flags = {
    session: Flags.string({char: 's', description: 'only this sso-session (default: all)', env: 'KEYLESS_SESSION'}),
    refresh: Flags.boolean({char: 'r', description: 'ask the portal again instead of using the cache'}),
    'no-login': noLoginFlag,
    flow: flowFlag,
  }

  async run(): Promise<ListPairsResult> {
    const {flags} = await this.parse(List)
    const deps = await this.deps({noLogin: flags['no-login'], flow: flowOf(flags.flow)})
    const result = await listPairs({session: flags.session, refresh: flags.refresh}, {...deps, portal: discoveryPortalClient(deps.clients)})
    if (!this.jsonEnabled()) {
      const color = colorEnabled(deps.stdout, deps.env)
      this.log(
        renderTable(
          [
            {header: 'ACCOUNT', value: (r) => `${r.accountName}${r.environment === 'prod' ? ' [PROD]' : ''}`, style: (t) => t.replace('[PROD]', formatGuardBadge(color))},
            {header: 'ID', value: (r) => r.accountId},
            {header: 'ROLE', value: (r) => r.roleName},
            {header: 'SESSION', value: (r) => r.session},
            {header: 'PROFILE', value: (r) => r.profile ?? '-'},
          ],
          result.pairs,
        ),
      )
      const unsynced = result.pairs.filter((p) => !p.profile).length
      if (unsynced > 0) this.logToStderr(`${unsynced} of ${result.pairs.length} pairs have no profile yet: run \`keyless sync\`.`)
    }
    return result
  }
}
