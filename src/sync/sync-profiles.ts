import {portalValue, unusablePortalPair} from './portal-value.js'
import {withConfigLock} from '../config/config-lock.js'
import {upsertSection} from '../config/ini-document.js'
import {assertWellFormed, loadAwsConfig, readTextFile, type AwsConfig} from '../config/load-aws-config.js'
import {handWrittenProfileNames, listManagedBlocks, managedProfileNames, replaceManagedBlock} from '../config/managed-block.js'
import {getSsoSession, listSsoSessions, pickSsoSession} from '../config/sso-sessions.js'
import {validateRegion} from '../config/validate.js'
import {backupPath, writeFileAtomic} from '../util/write-file-atomic.js'
import {environmentOf, guardPatterns} from '../guard/guard-policy.js'
import {pairKey, type AccountRolePair} from '../config/account-role-pair.js'
import {listAssignments, type ListAssignmentsDeps} from '../portal/list-assignments.js'
import type {SsoSession} from '../config/profile-types.js'
import type {Paths} from '../util/paths.js'
import {assignProfileNames, type NamedPair} from './assign-profile-names.js'
import {parseManagedProfiles, renderManagedProfiles, type ManagedProfile} from './managed-profile.js'
import {defaultProfileTemplate, renderProfileName, validateTemplate} from './profile-name.js'
import {unifiedDiff} from './unified-diff.js'

export interface SyncInput {
  /** Only this sso-session (default: every sso-session). */
  session?: string
  /** Profile name template; remembered in the sso-session as keyless_profile_template. */
  template?: string
  /** Region of the generated profiles; remembered as keyless_profile_region. Default: sso_region. */
  region?: string
  /** Compute and return the diff; write nothing. */
  dryRun?: boolean
  /** Ask the portal even when the account cache is fresh. */
  refresh?: boolean
  /** How credential_process calls keyless (see keylessCommand). */
  keylessCommand: string
}

export interface SkippedPair {
  profile: string
  session: string
  accountId: string
  roleName: string
  reason: string
  /** What to do about it (default: rename the hand-written profile or use --template). */
  next?: string
}

export interface SyncResult {
  configFile: string
  dryRun: boolean
  changed: boolean
  /** The unified diff of the config file (also when not a dry run). */
  diff: string
  backup?: string
  sessions: Array<{session: string; template: string; region: string; profiles: number; source: 'cache' | 'portal'}>
  added: string[]
  removed: string[]
  unchanged: number
  skipped: SkippedPair[]
  /** New profiles that got a suffix because an existing profile keeps the plain name. */
  suffixed: Array<{profile: string; kept: string; session: string; accountId: string; roleName: string}>
}

export interface SyncDeps extends ListAssignmentsDeps {
  paths: Pick<Paths, 'configFile' | 'credentialsFile' | 'cacheDir' | 'lockDir'>
}

export const templateKey = 'keyless_profile_template'
export const regionKey = 'keyless_profile_region'

/**
 * `keyless sync`: one profile per account/role pair in a managed block per sso-session of the AWS
 * config. Names come from each session's template, are unique across sessions and, once written,
 * stable (see assignProfileNames); a name a hand-written profile already uses is skipped and reported; pairs
 * that disappeared are removed. Every byte outside the managed blocks is kept (the blocks are
 * edited with replaceManagedBlock, the template setting with upsertSection); the file is replaced
 * atomically with a backup, under the config lock, and only when something changed.
 */
export async function syncProfiles(input: SyncInput, deps: SyncDeps): Promise<SyncResult> {
  const config = await loadAwsConfig(deps.paths)
  const targets = input.session !== undefined ? [getSsoSession(config, input.session)] : allSessions(config)
  const template = input.template === undefined ? undefined : validateTemplate(input.template)
  const region = input.region === undefined ? undefined : validateRegion(input.region)
  const settingsOf = (session: string) => config.ssoSessions[session] ?? {}
  const templateOf = (session: string) => validateTemplate(settingsOf(session)[templateKey] || defaultProfileTemplate)
  const plans: SessionPlan[] = targets.map((session) => ({
    session,
    template: template ?? templateOf(session.name),
    region: region ?? (settingsOf(session.name)[regionKey] || session.region),
  }))

  const {pairs, sources} = await listAssignments({sessions: targets, refresh: input.refresh}, deps)

  const write = async (): Promise<SyncResult> => {
    const text = (await readTextFile(deps.paths.configFile)) ?? ''
    assertWellFormed(deps.paths.configFile, text)
    const blocks = listManagedBlocks(text)
    const targetNames = new Set(targets.map((t) => t.name))
    const planOf = new Map(plans.map((p) => [p.session.name, p]))
    const {usable, unusable} = checkPortalPairs(pairs)

    const {named, kept} = namePairs({blocks, pairs: usable, targetNames, partial: input.session !== undefined, config, templateOf, planOf})
    // Names already written stay while their pair exists (scripts and source_profile chains use them).
    const written = new Map<string, string>()
    for (const block of blocks) for (const p of parseManagedProfiles(block.body)) written.set(pairKey(p), p.name)
    const {names, skipped, suffixed} = assignProfileNames(named, handWrittenProfileNames(text), written)
    const bySession = profilesBySession(named, names, kept, planOf, config)

    const rewritten = rewriteBlocks(text, {blocks, targets, targetNames, bySession, names, partial: input.session !== undefined, keylessCommand: input.keylessCommand})
    const next = rememberSettings(rewritten, plans, {template, region}, settingsOf)

    const result = summarize(text, next, {configFile: deps.paths.configFile, dryRun: Boolean(input.dryRun), plans, bySession, sources, skipped, suffixed})
    result.skipped.push(...unusable)
    if (result.changed && !input.dryRun) {
      await writeFileAtomic(deps.paths.configFile, next, {backup: true})
      result.backup = text === '' ? undefined : backupPath(deps.paths.configFile)
    }
    return result
  }

  if (input.dryRun) return write()
  return withConfigLock(deps.paths, write)
}

/** The portal's pairs keyless can write, with a printable account name, and those it cannot (reported as skipped). */
function checkPortalPairs(pairs: AccountRolePair[]): {usable: AccountRolePair[]; unusable: SkippedPair[]} {
  const unusable: SkippedPair[] = []
  const usable: AccountRolePair[] = []
  for (const fromPortal of pairs) {
    const reason = unusablePortalPair(fromPortal)
    if (reason !== undefined) {
      unusable.push({profile: '', session: fromPortal.session, accountId: JSON.stringify(fromPortal.accountId), roleName: JSON.stringify(fromPortal.roleName), reason, next: 'Report it to your AWS administrator.'})
      continue
    }
    usable.push({...fromPortal, accountName: portalValue(fromPortal.accountName) || fromPortal.accountId})
  }
  return {usable, unusable}
}

/** Remembers the template and region given on the command line in each synced sso-session section. */
function rememberSettings(
  text: string,
  plans: SessionPlan[],
  given: {template: string | undefined; region: string | undefined},
  settingsOf: (session: string) => Record<string, string>,
): string {
  let next = text
  for (const plan of plans) {
    const entries: Array<[string, string]> = []
    if (given.template !== undefined && settingsOf(plan.session.name)[templateKey] !== given.template) entries.push([templateKey, given.template])
    if (given.region !== undefined && settingsOf(plan.session.name)[regionKey] !== given.region) entries.push([regionKey, given.region])
    if (entries.length > 0) next = upsertSection(next, `sso-session ${plan.session.name}`, entries)
  }
  return next
}

/** One session being synced: its name template and the region its profiles get. */
interface SessionPlan {
  session: SsoSession
  template: string
  region: string
}

type ManagedBlocks = ReturnType<typeof listManagedBlocks>

/**
 * The pairs to name, each with its preferred name. Pairs of the other sessions come from their
 * blocks: names must be unique across all sessions (`kept` remembers those profiles).
 */
function namePairs(options: {
  blocks: ManagedBlocks
  pairs: AccountRolePair[]
  targetNames: Set<string>
  /** Syncing one session: the others' blocks stay; a full sync drops blocks of sessions that no longer exist. */
  partial: boolean
  config: AwsConfig
  templateOf: (session: string) => string
  planOf: Map<string, SessionPlan>
}): {named: NamedPair[]; kept: Map<string, ManagedProfile>} {
  const kept = new Map<string, ManagedProfile>()
  const named: NamedPair[] = []
  for (const block of options.blocks) {
    if (options.targetNames.has(block.session)) continue
    if (!options.partial) continue
    for (const profile of parseManagedProfiles(block.body)) {
      const pair: AccountRolePair = {session: profile.session, accountId: profile.accountId, accountName: profile.accountName, roleName: profile.roleName}
      const known = Object.hasOwn(options.config.ssoSessions, block.session)
      named.push({pair, base: known ? renderProfileName(options.templateOf(block.session), pair) : profile.name})
      kept.set(pairKey(pair), profile)
    }
  }
  for (const pair of options.pairs) named.push({pair, base: renderProfileName(options.planOf.get(pair.session)!.template, pair)})
  return {named, kept}
}

/** The managed profiles of each session, under the names assigned (a kept profile keeps its region). */
function profilesBySession(
  named: NamedPair[],
  names: Map<string, string>,
  kept: Map<string, ManagedProfile>,
  planOf: Map<string, SessionPlan>,
  config: AwsConfig,
): Map<string, ManagedProfile[]> {
  const bySession = new Map<string, ManagedProfile[]>()
  for (const {pair} of named) {
    const name = names.get(pairKey(pair))
    if (name === undefined) continue
    const previous = kept.get(pairKey(pair))
    const profile: ManagedProfile = {
      name,
      session: pair.session,
      accountId: pair.accountId,
      accountName: pair.accountName,
      roleName: pair.roleName,
      region: previous ? previous.region : planOf.get(pair.session)!.region,
      environment: environmentOf({profileName: name, accountName: pair.accountName, settings: {}}, guardPatterns(config.ssoSessions[pair.session])),
    }
    const list = bySession.get(pair.session)
    if (list) list.push(profile)
    else bySession.set(pair.session, [profile])
  }
  return bySession
}

/** The config text with each session's managed block replaced (or removed when it has no profile). */
function rewriteBlocks(
  text: string,
  options: {
    blocks: ManagedBlocks
    targets: SsoSession[]
    targetNames: Set<string>
    bySession: Map<string, ManagedProfile[]>
    names: Map<string, string>
    partial: boolean
    keylessCommand: string
  },
): string {
  let next = text
  const sessionsInFile = [...options.blocks.map((b) => b.session), ...options.targets.map((t) => t.name)]
  for (const session of new Set(sessionsInFile)) {
    const profiles = options.bySession.get(session) ?? []
    if (!options.targetNames.has(session) && options.partial) {
      // Another session's block changes only when one of its names has to (a new collision).
      const existing = parseManagedProfiles(options.blocks.find((b) => b.session === session)?.body ?? '')
      if (existing.length === profiles.length && existing.every((p) => options.names.get(pairKey(p)) === p.name)) continue
    }
    next = replaceManagedBlock(next, session, profiles.length > 0 ? renderManagedProfiles(profiles, options.keylessCommand) : undefined)
  }
  return next
}

/** What `sync` reports: the diff, per-session counts, profiles added, removed and skipped. */
function summarize(
  text: string,
  next: string,
  options: {
    configFile: string
    dryRun: boolean
    plans: SessionPlan[]
    bySession: Map<string, ManagedProfile[]>
    sources: Array<{session: string; source: SyncResult['sessions'][number]['source']}>
    skipped: Array<{pair: AccountRolePair; name: string}>
    suffixed: Array<{pair: AccountRolePair; name: string; kept: string}>
  },
): SyncResult {
  const before = new Set(managedProfileNames(text).keys())
  const after = new Set(managedProfileNames(next).keys())
  return {
    configFile: options.configFile,
    dryRun: options.dryRun,
    changed: next !== text,
    diff: unifiedDiff(text, next, options.configFile),
    sessions: options.plans.map((p) => ({
      session: p.session.name,
      template: p.template,
      region: p.region,
      profiles: options.bySession.get(p.session.name)?.length ?? 0,
      source: options.sources.find((s) => s.session === p.session.name)?.source ?? 'portal',
    })),
    added: [...after].filter((n) => !before.has(n)).sort(),
    removed: [...before].filter((n) => !after.has(n)).sort(),
    unchanged: [...after].filter((n) => before.has(n)).length,
    skipped: options.skipped.map(({pair, name}) => ({
      profile: name,
      session: pair.session,
      accountId: pair.accountId,
      roleName: pair.roleName,
      reason: 'a hand-written profile has this name',
    })),
    suffixed: options.suffixed
      .filter(({name}) => !before.has(name))
      .map(({pair, name, kept}) => ({profile: name, kept, session: pair.session, accountId: pair.accountId, roleName: pair.roleName})),
  }
}

function allSessions(config: AwsConfig): SsoSession[] {
  const sessions = listSsoSessions(config)
  // No session at all: the same message `keyless login` gives.
  if (sessions.length === 0) return [pickSsoSession(config)]
  return sessions
}
