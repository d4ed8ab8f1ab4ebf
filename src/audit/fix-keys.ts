import {randomBytes} from 'node:crypto'
import {readTextFile} from '../config/load-aws-config.js'
import {basename, dirname, resolve} from 'node:path'
import {withConfigLock} from '../config/config-lock.js'
import {assertWellFormed} from '../config/load-aws-config.js'
import {writeFileAtomic} from '../util/write-file-atomic.js'
import type {Output} from '../deps.js'
import {KeylessError, UsageError} from '../errors.js'
import {storeKeys} from '../store/keys.js'
import {credentialProcessLine} from '../sync/managed-profile.js'
import type {Paths} from '../util/paths.js'
import type {SecretStore} from '../store/secret-store.js'
import {encodeUserKey, type UserKeyItem} from '../credentials/user-key.js'
import {decodeAuditItem, encodeAuditItem, type AuditItem, type AuditRecord} from './audit-record.js'
import type {Finding} from './audit-types.js'
import {displayPath} from './display-path.js'
import {planFix, type FixPlan, type PlanFile, type PlanInput} from './plan-fix.js'
import {textHash} from './raw-lines.js'
import {scanMachine, type MachineScan, type ScanDeps} from './scan-machine.js'

/** One line of the `--fix` checklist: a profile (or a shell file) and what it holds. */
export interface FixChoice {
  profile: string
  findings: Finding[]
  /** Preselected: it holds a long-lived key. */
  checked: boolean
}

export interface FixDeps extends ScanDeps {
  paths: Pick<Paths, 'home' | 'configFile' | 'credentialsFile' | 'lockDir'>
  store: SecretStore
  stderr: Output
  isInteractive: boolean
  /** The checklist on a terminal; returns the chosen profiles. */
  choose?: (choices: FixChoice[]) => Promise<string[]>
}

export interface FixInput {
  /** `--profile` values: profile names, or shell files (`~/.bashrc`). Empty: all (with --yes) or ask. */
  profiles: string[]
  yes: boolean
  /** `--replace-with`: a keyless profile the emptied profiles now get temporary credentials from. */
  replaceWith?: string
  /** How credential_process calls keyless (sync's keylessCommand); default `keyless`. */
  keylessCommand?: string
  /**
   * `--keep`: the key goes into the store as `user-key/<profile>` and the profile keeps working as
   * `credential_process = keyless credential-process --profile P` + `keyless_stored_key = P`, served
   * as GetSessionToken credentials.
   */
  keep?: boolean
}

export interface FixResult {
  fixed: Array<{profile: string; files: string[]; storeKey: string; replacedWith?: string; keptAs?: string}>
  /** Findings --fix cannot handle (the environment, caches, lines that do more than set keys). */
  leftAlone: Finding[]
}


/** A profile keyless can serve temporary credentials for. */
function isKeylessProfile(settings: Record<string, string>): boolean {
  return Boolean(
    settings.keyless_account_id ||
      settings.sso_account_id ||
      (settings.role_arn && settings.source_profile) ||
      settings.credential_process?.includes('credential-process'),
  )
}

/**
 * `--replace-with` must name a profile of the config file that keyless serves, and that does not
 * get its own credentials from a profile being emptied (directly or down its source_profile chain).
 */
function checkReplaceTarget(
  target: string,
  emptied: string[],
  configProfiles: Record<string, Record<string, string>>,
  paths: {home: string; configFile: string},
): void {
  const settings = configProfiles[target]
  if (!settings) {
    throw new UsageError(`--replace-with: no profile "${target}" in ${displayPath(paths.configFile, paths.home)}.`, 'Run `keyless sync` first, or name an existing keyless profile.')
  }
  if (!isKeylessProfile(settings)) {
    throw new UsageError(
      `--replace-with: profile "${target}" is not served by keyless.`,
      'Name a profile with keyless_account_id (from `keyless sync`), sso_account_id, or role_arn + source_profile.',
    )
  }
  const seen = new Set<string>()
  for (let p: string | undefined = target; p !== undefined && !seen.has(p); p = configProfiles[p]?.source_profile) {
    seen.add(p)
    if (emptied.includes(p)) {
      throw new UsageError(
        `--replace-with ${target}: it ${p === target ? 'is one of the profiles being emptied' : `gets its credentials from ${p}, which is being emptied`}.`,
        'Name a profile served by Identity Center (keyless_account_id or sso_account_id).',
      )
    }
  }
}

/** The region the --replace-with target uses: its own, else the first one down its source_profile chain. */
function targetRegion(target: string, configProfiles: Record<string, Record<string, string>>): string | undefined {
  const seen = new Set<string>()
  for (let p: string | undefined = target; p !== undefined && !seen.has(p); p = configProfiles[p]?.source_profile) {
    seen.add(p)
    const region = configProfiles[p]?.region
    if (region) return region
  }
  return undefined
}

function groupByProfile(findings: Finding[]): FixChoice[] {
  const groups = new Map<string, Finding[]>()
  for (const f of findings) groups.set(f.profile!, [...(groups.get(f.profile!) ?? []), f])
  return [...groups].map(([profile, list]) => ({profile, findings: list, checked: list.some((f) => f.longLived)}))
}

/**
 * `keyless audit --fix`: moves the chosen profiles' key lines out of the files into the secret store
 * (one item per profile, `audit/<profile>`, holding the exact lines and where they stood), and with
 * --replace-with points each emptied profile at a keyless profile via credential_process. The store
 * item is written before any file; each file is replaced atomically (no backup: it would hold the
 * key); the config file goes first, so a kill in between leaves a profile that still works.
 */
export async function fixKeys(input: FixInput, deps: FixDeps): Promise<FixResult> {
  const {configFile} = deps.paths
  const scan = await scanMachine(deps)
  const movable = scan.findings.filter((f) => (f.kind === 'aws-file' || f.kind === 'shell-file') && f.severity !== 'info')
  const choices = groupByProfile(movable.filter((f) => f.fixable))
  const requested = requestedChoices(input.profiles, choices, movable, deps.paths.home)
  if (input.replaceWith !== undefined && input.keep) throw new UsageError('--keep and --replace-with exclude each other.', 'Keep the key (--keep), or point the profile at an Identity Center profile (--replace-with).')
  if (input.replaceWith !== undefined) checkReplaceTarget(input.replaceWith, [], scan.configProfiles, deps.paths)
  const chosen = await chooseProfiles(input, deps, choices, requested)

  const leftAlone = scan.findings.filter((f) => f.severity !== 'info' && !chosen.includes(f.profile ?? '\0'))
  if (chosen.length === 0) return {fixed: [], leftAlone}
  if (input.replaceWith !== undefined) checkReplaceTarget(input.replaceWith, chosen, scan.configProfiles, deps.paths)
  const shellChoices = new Set(chosen.filter((p) => movable.some((f) => f.profile === p && f.kind === 'shell-file')))
  if (input.replaceWith !== undefined && chosen.every((p) => shellChoices.has(p))) {
    throw new UsageError('--replace-with applies to profiles of the AWS files, not to shell files.', 'Drop --replace-with, or name a profile.')
  }

  const keptKeys = input.keep ? keysToKeep(chosen, shellChoices, movable, scan.keys) : new Map<string, KeptKey>()

  // Under the config lock (as `keyless sync` writes), read every file involved once, plan on exactly
  // that text, then write.
  return withConfigLock(deps.paths, async () => {
    const files = await readInvolvedFiles(input, movable, chosen, deps.paths)
    const replaced = chosen.filter((p) => !shellChoices.has(p))
    const replaceWith = replacementFor(input, replaced.length > 0, scan.configProfiles)
    const plan = planFix({files: [...files.values()], profiles: chosen, configFile, ...(replaceWith ? {replaceWith} : {})})
    // 1. The store first: if anything below fails or is killed, the lines are not lost.
    const fixed = await recordInStore(plan, files, {replaceWith: input.replaceWith, shellChoices, keptKeys}, deps)
    // 2. Then the files.
    await writeFixedFiles(plan, files, deps.paths)
    return {fixed, leftAlone}
  })
}

type KeptKey = {accessKeyId: string; secretAccessKey: string}

/** --keep: each profile's long-lived key (AKIA…, no session token), read from the files as scanned. */
function keysToKeep(chosen: string[], shellChoices: Set<string>, movable: Finding[], keys: MachineScan['keys']): Map<string, KeptKey> {
  const keptKeys = new Map<string, KeptKey>()
  for (const p of chosen) {
    if (shellChoices.has(p)) throw new UsageError('--keep applies to profiles of the AWS files, not to shell files.', `Drop ${p} from --profile.`)
    const key = movable.filter((f) => f.profile === p && f.kind === 'aws-file').map((f) => keys.get(f.id)).find((k) => k?.accessKeyId && k.secretAccessKey)
    if (!key || key.sessionToken || !key.accessKeyId.startsWith('AKIA')) {
      throw new UsageError(`Profile "${p}" holds no long-lived IAM user key (AKIA…) to keep.`, 'Fix it without --keep.')
    }
    keptKeys.set(p, {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey})
  }
  return keptKeys
}

/** What the emptied profiles of the AWS files get instead of their key lines: --replace-with's profile, --keep's stored key, or nothing. */
function replacementFor(input: FixInput, anyReplaced: boolean, configProfiles: Record<string, Record<string, string>>): PlanInput['replaceWith'] {
  const keyless = input.keylessCommand ?? 'keyless'
  if (input.replaceWith !== undefined && anyReplaced) {
    return {profile: input.replaceWith, credentialProcess: credentialProcessLine(keyless, input.replaceWith), region: targetRegion(input.replaceWith, configProfiles)}
  }
  if (input.keep) return {credentialProcess: (p: string) => credentialProcessLine(keyless, p), extraLines: (p: string) => [`keyless_stored_key = ${p}`]}
  return undefined
}

/** The choices `--profile` names (profile names or shell files), or a usage error for a name with none. */
function requestedChoices(names: string[], choices: FixChoice[], movable: Finding[], home: string): FixChoice[] {
  const byName = (name: string) => {
    const shown = name.startsWith('/') || name.startsWith('~') ? displayPath(resolve(home, name.replace(/^~(?=\/|$)/, home)), home) : name
    return choices.find((c) => c.profile === shown)
  }
  const requested: FixChoice[] = []
  for (const name of names) {
    const choice = byName(name)
    if (!choice) {
      const unfixable = movable.find((f) => f.profile === name)
      if (unfixable) throw new UsageError(`Cannot fix "${name}" automatically.`, unfixable.advice)
      const known = choices.map((c) => c.profile)
      throw new UsageError(
        `No key to move for "${name}".`,
        known.length > 0 ? `Profiles with keys: ${known.join(', ')}.` : 'Nothing on this machine needs fixing.',
      )
    }
    if (!requested.includes(choice)) requested.push(choice)
  }
  return requested
}

/** The profiles to fix: the requested ones (or all) with --yes, else what the checklist returns. */
async function chooseProfiles(input: FixInput, deps: FixDeps, choices: FixChoice[], requested: FixChoice[]): Promise<string[]> {
  if (input.yes) return (input.profiles.length > 0 ? requested : choices).map((c) => c.profile)
  if (deps.isInteractive && deps.choose) {
    if (choices.length === 0) return []
    const pre = input.profiles.length > 0 ? choices.map((c) => ({...c, checked: requested.includes(c)})) : choices
    return deps.choose(pre)
  }
  throw new UsageError('--fix changes files and there is no terminal to ask on.', 'Pass --yes, with --profile NAME to pick (default: every profile with keys).')
}

/** Every file the fix touches, read once (the config file too when --replace-with writes there). */
async function readInvolvedFiles(input: FixInput, movable: Finding[], chosen: string[], paths: FixDeps['paths']): Promise<Map<string, PlanFile>> {
  const {configFile, credentialsFile} = paths
  const files = new Map<string, PlanFile>()
  for (const f of movable.filter((x) => x.fixable && chosen.includes(x.profile!) && x.file)) {
    if (files.has(f.file!)) continue
    const format = f.kind === 'shell-file' ? 'shell' : f.file === credentialsFile ? 'credentials' : awsFormat(f.file!, configFile)
    files.set(f.file!, {path: f.file!, text: await readTextFile(f.file!), format, ...(format === 'shell' ? {selector: f.profile} : {})})
  }
  if ((input.replaceWith !== undefined || input.keep) && !files.has(configFile)) {
    files.set(configFile, {path: configFile, text: await readTextFile(configFile), format: 'config'})
  }
  for (const file of files.values()) {
    if (file.format !== 'shell' && file.text !== undefined) assertWellFormed(file.path, file.text)
  }
  return files
}

/**
 * Saves the removed lines of each profile in the store (one audit item per profile, a record per
 * fix), so that `--restore` can put them back; returns what is reported as fixed.
 */
async function recordInStore(
  plan: FixPlan,
  files: Map<string, PlanFile>,
  options: {replaceWith?: string; shellChoices: Set<string>; keptKeys?: Map<string, KeptKey>},
  deps: FixDeps,
): Promise<FixResult['fixed']> {
  const hashes = new Map<string, string>()
  const hashOf = async (path: string) => {
    if (!hashes.has(path)) hashes.set(path, files.has(path) ? textHash(files.get(path)!.text) : textHash(await readTextFile(path)))
    return hashes.get(path)!
  }
  const fixedAt = new Date(deps.now()).toISOString()
  const batch = `${fixedAt}-${randomBytes(3).toString('hex')}`
  const fixed: FixResult['fixed'] = []
  for (const [profile, records] of plan.records) {
    const key = storeKeys.audit(profile)
    const stored = await deps.store.get(key)
    const item: AuditItem = stored === undefined ? {version: 1, records: []} : decodeAuditItem(stored, key)
    // Drop records whose files are all as they were before that fix: it never reached the files
    // (killed in between), or they were put back already.
    const kept: AuditRecord[] = []
    for (const r of item.records) {
      let pending = true
      for (const f of r.files) if ((await hashOf(f.path)) !== f.hashBefore) pending = false
      if (!pending) kept.push(r)
    }
    item.records = kept
    const record: AuditRecord = {
      profile,
      batch,
      fixedAt,
      ...(options.replaceWith !== undefined && !options.shellChoices.has(profile) ? {replacedWith: options.replaceWith} : {}),
      files: records,
    }
    item.records.push(record)
    const keptKey = options.keptKeys?.get(profile)
    if (keptKey) {
      const userKey: UserKeyItem = {version: 1, ...keptKey, profile, storedAt: fixedAt}
      await deps.store.set(storeKeys.userKey(profile), encodeUserKey(userKey))
      record.keptAs = profile
    }
    await deps.store.set(key, encodeAuditItem(item))
    fixed.push({
      profile,
      files: records.map((r) => displayPath(r.path, deps.paths.home)),
      storeKey: key,
      ...(record.replacedWith ? {replacedWith: record.replacedWith} : {}),
      ...(record.keptAs ? {keptAs: storeKeys.userKey(record.keptAs)} : {}),
    })
  }
  return fixed
}

/**
 * Writes the planned files: the config file first (a credential_process next to keys still in the
 * credentials file is harmless: the keys win until they are gone), then the others. A file changed
 * since it was read is left alone.
 */
async function writeFixedFiles(plan: FixPlan, files: Map<string, PlanFile>, paths: FixDeps['paths']): Promise<void> {
  const rank = (path: string) => (path === paths.configFile ? 0 : files.get(path)?.format === 'shell' ? 2 : 1)
  for (const file of [...plan.files].sort((a, b) => rank(a.path) - rank(b.path))) {
    const current = await readTextFile(file.path)
    if (textHash(current) !== file.hashBefore) {
      throw new KeylessError(`${displayPath(file.path, paths.home)} changed while keyless was fixing it; it was left as it is.`, {
        code: 'ConcurrentChange',
        hint: 'Run `keyless audit --fix` again.',
      })
    }
    await writeFileAtomic(file.path, file.newText, {backup: false})
  }
}

/** config or credentials format: the config file and its copies (`config.bak`) use `[profile NAME]`. */
function awsFormat(path: string, configFile: string): 'config' | 'credentials' {
  return dirname(path) === dirname(configFile) && basename(path).startsWith(basename(configFile)) ? 'config' : 'credentials'
}
