import {loadAwsConfig, type AwsConfig} from '../config/load-aws-config.js'
import type {ResolvedProfile, SsoRoleProfile} from '../config/profile-types.js'
import {servingRefusal} from '../credentials/get-credentials.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {getSsoSession, listSsoSessions} from '../config/sso-sessions.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import type {Output} from '../deps.js'
import {KeylessError, UsageError} from '../errors.js'
import {staleVariables} from '../credentials/credential-variables.js'
import type {ConfirmGuardedDeps} from '../guard/confirm-guarded.js'
import {guardProfile} from '../guard/guard-profile.js'
import {accountIdOf} from '../guard/guard-policy.js'
import {accountFacts} from '../portal/account-facts.js'
import {colorEnabled} from '../guard/guard-style.js'
import {listAssignments, type ListAssignmentsDeps} from '../portal/list-assignments.js'
import type {PickerChoice} from '../ui/picker.js'
import type {Paths} from '../util/paths.js'
import {clearWinner} from './clear-winner.js'
import {createFuzzyIndex} from './fuzzy-index.js'
import {frecencyScore, readFrecency, recordUse} from './frecency.js'
import {pickerSource} from './picker-source.js'
import {assertShellSafeProfile, shellExports, type ShellChanges, type SwitchShell} from './shell-exports.js'
import {entryText, switchEntries, type SwitchEntry} from './switch-entries.js'

export interface SwitchInput {
  /** Fuzzy query; `-` = the previous profile of this shell. */
  query?: string
  /** Print the profile name on stdout, change nothing. */
  print: boolean
  /** Confirmation of guarded (production) profiles given in advance. */
  yes: boolean
  refresh?: boolean
  /** Set by the shell function: where to write the variable changes, and for which shell. */
  shell?: {shell: SwitchShell; exportFile: string; agent?: boolean}
}

export type SwitchResult =
  | {action: 'print'; profile: string; entry: SwitchEntry}
  | {action: 'export'; profile?: string; entry?: SwitchEntry; changes: ShellChanges}
  | {action: 'subshell'; profile: string; entry: SwitchEntry; exitCode: number}

export interface SwitchDeps extends Omit<ListAssignmentsDeps, 'paths'>, Omit<CredentialDeps, 'paths'> {
  paths: Pick<Paths, 'configFile' | 'credentialsFile' | 'cacheDir' | 'lockDir'>
  stdout: Output
  isInteractive: boolean
  /** The picker (src/ui/picker.ts), injected so tests can drive the choice. */
  pick: (options: {message: string; search: (query: string) => Array<PickerChoice<SwitchEntry>>; initialQuery?: string}) => Promise<SwitchEntry>
  /** Writes the shell function's file. */
  writeExports: (file: string, text: string) => Promise<void>
  /** Runs $SHELL with the profile's credentials (exec), resolving with its exit code. */
  subshell: (profile: ResolvedProfile, environment: string | undefined) => Promise<number>
  confirm?: ConfirmGuardedDeps['prompt']
  /**
   * Agent mode (shell-init --agent): the endpoint of the keyless agent for a profile, started when
   * needed; `guarded` (already confirmed here) makes it the profile's own grant token.
   */
  agentEndpoint?: (profileName: string, guarded: boolean) => Promise<{url: string; token: string}>
}

/** How many matches the picker shows at most, and how many an ambiguous query lists. */
const shown = 50
const listed = 8
/** How many of the best matches the no-terminal choice looks at (clearWinner needs the top ones). */
const matchesConsidered = 50

/**
 * `keyless switch`: picks an account/role (fuzzy picker, or a QUERY with exactly one match, or `-`
 * for the previous one) and applies it: with the shell function (shell-init), as AWS_PROFILE and
 * the region variables of the calling shell; with `--print`, as the profile name on stdout;
 * otherwise as a subshell with the credentials (like exec), with a hint to install the function.
 */
export async function switchProfile(input: SwitchInput, deps: SwitchDeps): Promise<SwitchResult> {
  const config = await loadAwsConfig(deps.paths)
  if (input.query === '-') return switchBack(input, config, deps)

  const sessions = listSsoSessions(config)
  const {pairs} = sessions.length > 0 ? await listAssignments({sessions, refresh: input.refresh}, deps) : {pairs: []}
  const entries = switchEntries(pairs, config)
  if (entries.length === 0) {
    throw new UsageError('There is nothing to switch to: no sso-session with accounts, and no profiles.', 'Run `keyless configure`, then `keyless login`.')
  }
  // A profile named exactly that the picker leaves out (keyless refuses it): say why.
  const query = input.query?.trim()
  if (query && Object.hasOwn(config.profiles, query) && !entries.some((e) => e.profile === query)) {
    const refused = servingRefusal(resolveProfile(config, query))
    if (refused) throw refused
  }
  const frecency = await readFrecency(deps.paths.cacheDir)
  const now = deps.now()
  const index = createFuzzyIndex(entries, {text: entryText, rank: (e) => frecencyScore(frecency.entries[e.key], now)})
  const entry = await choose(input, entries, index, deps)

  if (input.print) {
    if (!entry.profile) throw noProfile(entry)
    deps.stdout.write(`${entry.profile}\n`)
    await recordUse(deps.paths.cacheDir, entry.key, now)
    return {action: 'print', profile: entry.profile, entry}
  }

  const profile = entry.profile ? resolveProfile(config, entry.profile) : pairProfile(config, entry)
  const decision = await guardProfile(profile, config.ssoSessions, {stderr: deps.stderr, isInteractive: deps.isInteractive, env: deps.env, prompt: deps.confirm}, {
    yes: input.yes,
    command: 'keyless switch',
    accountName: entry.accountName,
    account: await accountFacts(accountIdOf(profile), config, {cacheDir: deps.paths.cacheDir, now: deps.now}),
  })
  await recordUse(deps.paths.cacheDir, entry.key, now)

  if (input.shell && entry.profile) {
    const name = assertShellSafeProfile(entry.profile)
    const changes = input.shell.agent ? await agentChanges(name, profile, decision, deps) : profileChanges(name, profile, decision.environment, deps.env)
    await deps.writeExports(input.shell.exportFile, shellExports(input.shell.shell, changes))
    deps.stderr.write(`Switched to ${describe(entry)}${profile.region ? ` (${profile.region})` : ''}.\n`)
    return {action: 'export', profile: entry.profile, entry, changes}
  }

  if (!entry.profile) deps.stderr.write(`${describe(entry)} has no profile yet (\`keyless sync\` makes one); opening a shell with its credentials.\n`)
  else if (!input.shell) {
    deps.stderr.write(
      `Opening a shell with the credentials of ${entry.profile}; exit it to return.\n` +
        'To switch this shell instead, add the keyless function to your shell: eval "$(keyless shell-init bash)" (or zsh; fish: keyless shell-init fish | source).\n',
    )
  }
  const exitCode = await deps.subshell(profile, decision.environment)
  return {action: 'subshell', profile: profile.name, entry, exitCode}
}

async function choose(input: SwitchInput, entries: SwitchEntry[], index: ReturnType<typeof createFuzzyIndex<SwitchEntry>>, deps: SwitchDeps): Promise<SwitchEntry> {
  const query = input.query?.trim()
  if (query) {
    const exact = entries.filter((e) => e.profile === query)
    if (exact.length === 1) return exact[0]
    const found = index.search(query, matchesConsidered)
    if (found.total === 0) {
      throw new UsageError(`Nothing matches "${query}".`, 'Run `keyless list` to see what you can use (or --refresh it).')
    }
    if (found.total === 1 && deps.isInteractive) return found.matches[0].item
    if (!deps.isInteractive) {
      const winner = clearWinner(query, found.matches, entryText)
      if (winner?.guarded) {
        throw new UsageError(
          `"${query}" best matches ${plainLabel(winner)}, a production account: without a terminal it is chosen only by its exact profile name.`,
          winner.profile ? `Run \`keyless switch ${input.print ? '--print ' : ''}${winner.profile}\`.` : 'Run `keyless sync` to give it a profile name.',
        )
      }
      if (winner) return winner
      const best = found.matches.slice(0, listed).map((m) => `  ${plainLabel(m.item)}`).join('\n')
      throw new UsageError(`"${query}" matches ${found.total} entries with no clear winner; use more of the name or the exact profile name. Best matches:\n${best}`)
    }
  } else if (!deps.isInteractive) {
    throw new UsageError('No terminal for the picker: name what to switch to.', 'Run `keyless switch QUERY` (a profile name or part of an account name).')
  }
  return deps.pick({
    message: `Switch to (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'})`,
    initialQuery: query,
    search: pickerSource(entries, index, {color: colorEnabled(deps.stderr, deps.env), limit: shown}),
  })
}

/** `switch -`: back to the profile this shell had before the last switch (the function keeps it). */
async function switchBack(input: SwitchInput, config: AwsConfig, deps: SwitchDeps): Promise<SwitchResult> {
  if (!input.shell) {
    throw new UsageError('`keyless switch -` needs the keyless shell function.', 'Add eval "$(keyless shell-init bash)" (or zsh, fish) to your shell start-up file.')
  }
  const previous = deps.env.KEYLESS_PREVIOUS_PROFILE
  if (previous === undefined) throw new UsageError('No previous profile in this shell yet.', 'Switch once with `keyless switch` first.')
  const agent = input.shell.agent === true
  const current = (agent ? (deps.env.KEYLESS_PROFILE ?? deps.env.AWS_PROFILE) : deps.env.AWS_PROFILE) ?? ''
  let changes: ShellChanges
  if (previous === '') {
    changes = [['AWS_PROFILE', undefined], ['KEYLESS_PREVIOUS_PROFILE', current], ...regionChanges(undefined, deps.env), ['KEYLESS_ENVIRONMENT', undefined]]
    if (agent) changes.push(['KEYLESS_PROFILE', undefined], ['AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined], ['AWS_CONTAINER_AUTHORIZATION_TOKEN', undefined])
    deps.stderr.write('Switched back to no profile.\n')
  } else {
    const profile = resolveProfile(config, assertShellSafeProfile(previous))
    const account = await accountFacts(accountIdOf(profile), config, {cacheDir: deps.paths.cacheDir, now: deps.now})
    const decision = await guardProfile(profile, config.ssoSessions, {stderr: deps.stderr, isInteractive: deps.isInteractive, env: deps.env, prompt: deps.confirm}, {yes: input.yes, command: 'keyless switch', account})
    changes = agent ? await agentChanges(previous, profile, decision, deps) : profileChanges(previous, profile, decision.environment, deps.env)
    deps.stderr.write(`Switched back to ${previous}.\n`)
  }
  await deps.writeExports(input.shell.exportFile, shellExports(input.shell.shell, changes))
  return {action: 'export', profile: previous || undefined, changes}
}

/** AWS_PROFILE, the previous one, the region, KEYLESS_ENVIRONMENT; credential variables removed. */
function profileChanges(name: string, profile: ResolvedProfile, environment: string | undefined, env: NodeJS.ProcessEnv): ShellChanges {
  const changes: ShellChanges = [
    ['KEYLESS_PREVIOUS_PROFILE', env.AWS_PROFILE ?? ''],
    ['AWS_PROFILE', name],
    ...regionChanges(profile.region, env),
    ['KEYLESS_ENVIRONMENT', environment],
  ]
  // Keys in the environment win over AWS_PROFILE in every SDK: they would make the switch a no-op.
  for (const variable of staleVariables) {
    if (variable === 'AWS_PROFILE' || variable === 'KEYLESS_PROFILE') continue
    if (env[variable] !== undefined) changes.push([variable, undefined])
  }
  if (env.AWS_DEFAULT_PROFILE !== undefined) changes.push(['AWS_DEFAULT_PROFILE', undefined])
  return changes
}

/**
 * Agent mode: the agent's endpoint and token for the profile, KEYLESS_PROFILE (the prompt segment
 * and `switch -` read it), the region, KEYLESS_ENVIRONMENT; AWS_PROFILE and every other credential
 * variable removed, since the SDKs prefer them to the container provider.
 */
async function agentChanges(name: string, profile: ResolvedProfile, decision: {guarded: boolean; environment?: string}, deps: SwitchDeps): Promise<ShellChanges> {
  if (!deps.agentEndpoint) throw new Error('switch: agent mode without an agent')
  const endpoint = await deps.agentEndpoint(name, decision.guarded)
  const changes: ShellChanges = [
    ['KEYLESS_PREVIOUS_PROFILE', deps.env.KEYLESS_PROFILE ?? deps.env.AWS_PROFILE ?? ''],
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', endpoint.token],
    ['KEYLESS_PROFILE', name],
    ...regionChanges(profile.region, deps.env),
    ['KEYLESS_ENVIRONMENT', decision.environment],
  ]
  const named = new Set(changes.map(([variable]) => variable))
  for (const variable of staleVariables) {
    if (!named.has(variable) && deps.env[variable] !== undefined) changes.push([variable, undefined])
  }
  return changes
}

/** Sets both region variables; without a region, removes them only if a previous switch set them. */
function regionChanges(region: string | undefined, env: NodeJS.ProcessEnv): ShellChanges {
  if (region) return [['AWS_REGION', region], ['AWS_DEFAULT_REGION', region], ['KEYLESS_SWITCH_REGION', region]]
  if (env.KEYLESS_SWITCH_REGION !== undefined && env.AWS_REGION === env.KEYLESS_SWITCH_REGION) {
    return [['AWS_REGION', undefined], ['AWS_DEFAULT_REGION', undefined], ['KEYLESS_SWITCH_REGION', undefined]]
  }
  return []
}

/** An SSO role profile for a pair that has no profile in the config. */
function pairProfile(config: AwsConfig, entry: SwitchEntry): SsoRoleProfile {
  if (!entry.session || !entry.accountId || !entry.roleName) throw noProfile(entry)
  const session = getSsoSession(config, entry.session)
  return {
    kind: 'sso',
    name: `${entry.accountName ?? entry.accountId}.${entry.roleName}`,
    session,
    accountId: entry.accountId,
    roleName: entry.roleName,
    region: session.region,
    settings: {keyless_account_name: entry.accountName ?? ''},
  }
}

function noProfile(entry: SwitchEntry): KeylessError {
  return new UsageError(`${describe(entry)} has no profile in the AWS config.`, 'Run `keyless sync` to create profiles for every account and role.')
}

function describe(entry: SwitchEntry): string {
  const pair = entry.accountName || entry.accountId ? `${entry.accountName ?? entry.accountId} / ${entry.roleName ?? '?'}` : undefined
  if (entry.profile && pair) return `${entry.profile} (${pair})`
  return entry.profile ?? pair ?? entry.key
}

function plainLabel(e: SwitchEntry): string {
  return [e.guarded ? '[PROD]' : undefined, e.profile, e.accountName, e.accountId, e.roleName, e.session ? `(${e.session})` : undefined].filter(Boolean).join('  ')
}
