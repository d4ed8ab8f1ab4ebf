import {withConfigLock} from '../config/config-lock.js'
import {removeSection} from '../config/ini-document.js'
import {assertWellFormed, loadAwsConfig, readTextFile} from '../config/load-aws-config.js'
import {managedProfileNames, readManagedBlock, replaceManagedBlock} from '../config/managed-block.js'
import {getSsoSession} from '../config/sso-sessions.js'
import {backupPath, writeFileAtomic} from '../util/write-file-atomic.js'
import {InterruptedError, UsageError} from '../errors.js'
import {logoutSession, type LogoutDeps, type SessionLogout} from './logout-session.js'

export interface RemoveSessionInput {
  session: string
  /** Confirmed in advance (scripts). */
  yes: boolean
}

export interface RemoveSessionDeps extends LogoutDeps {
  isInteractive: boolean
  /** Asks a yes/no question on the terminal. */
  confirm?: (message: string) => Promise<boolean>
}

export interface RemoveSessionResult {
  session: string
  logout: SessionLogout
  /** The synced profiles removed with the session's managed block. */
  profilesRemoved: string[]
  backup: string
}

/**
 * `keyless configure --remove SESSION`: after a confirmation (asked on a terminal, else --yes),
 * logs out of the session (portal and every secret of it), then removes its `[sso-session]`
 * section and its managed block of synced profiles from the AWS config, atomically, keeping the
 * previous file as the backup. Nothing else in the file changes.
 */
export async function removeSession(input: RemoveSessionInput, deps: RemoveSessionDeps): Promise<RemoveSessionResult> {
  const config = await loadAwsConfig(deps.paths)
  const session = getSsoSession(config, input.session)
  const text = (await readTextFile(deps.paths.configFile)) ?? ''
  const synced = readManagedBlock(text, session.name)
  const profiles = [...managedProfileNames(text)].filter(([, owner]) => owner === session.name).map(([name]) => name)
  if (!input.yes) {
    const question = `Remove sso-session "${session.name}" (${session.startUrl}): log out, and delete its section${synced ? ` and its ${profiles.length} synced profiles` : ''} from ${deps.paths.configFile}?`
    if (!deps.isInteractive || !deps.confirm) throw new UsageError('--remove changes your AWS config and there is no terminal to ask on.', 'Pass --yes to confirm.')
    if (!(await deps.confirm(question))) throw new InterruptedError('Nothing removed.')
  }
  const [logout] = await logoutSession({session: session.name}, deps)
  return withConfigLock(deps.paths, async () => {
    const current = (await readTextFile(deps.paths.configFile)) ?? ''
    assertWellFormed(deps.paths.configFile, current)
    const next = removeSection(replaceManagedBlock(current, session.name, undefined), `sso-session ${session.name}`)
    if (next !== current) await writeFileAtomic(deps.paths.configFile, next, {backup: true})
    deps.stderr.write(`Removed sso-session "${session.name}" and ${profiles.length} synced profile${profiles.length === 1 ? '' : 's'} from ${deps.paths.configFile} (backup: ${backupPath(deps.paths.configFile)}).\n`)
    return {session: session.name, logout, profilesRemoved: profiles, backup: backupPath(deps.paths.configFile)}
  })
}
