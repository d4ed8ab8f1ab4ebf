import type {Output} from '../deps.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import {encodeUserKey, parseUserKey, type UserKeyItem} from '../credentials/user-key.js'
import {KeylessError, UsageError} from '../errors.js'
import {storeKeys} from '../store/keys.js'
import {defaultCheckRegion} from './check-keys.js'
import {fixKeys, type FixDeps} from './fix-keys.js'
import {keyOwner, profileSigning, type KeyOwner} from './key-owner.js'
import {maskKeyId} from '../util/mask-key-id.js'
import {decodeAuditItem} from './audit-record.js'
import {restoreKeys} from './restore-keys.js'
import {scanMachine} from './scan-machine.js'

const DAY_MS = 24 * 3600 * 1000

export type RetireDeps = CredentialDeps & FixDeps & {
  stderr: Output
  isInteractive: boolean
  /** Asks on the terminal for the text `expected`; true when typed. */
  askTyped?: (message: string, expected: string) => Promise<boolean>
}

export interface RetireInput {
  profile: string
  via?: string
  yes: boolean
  force: boolean
  replaceWith?: string
  keylessCommand?: string
}

export interface RetireResult {
  profile: string
  owner: KeyOwner
  /** The key no longer authenticates (GetCallerIdentity with it: InvalidClientTokenId). */
  provenDead: boolean
  /** Files the key was removed from. */
  files: string[]
  storeKey: string
  replacedWith?: string
}

interface LocatedKey {
  accessKeyId: string
  secretAccessKey: string
  /** Still in the AWS files (else only in the store). */
  inFiles: boolean
  stored?: UserKeyItem
}

/** The long-lived key of `profile`: in the AWS files, else kept in the store (`--keep`, or a retire in progress). */
async function locateKey(profile: string, deps: RetireDeps): Promise<LocatedKey> {
  const scan = await scanMachine(deps)
  const stored = parseUserKey(await deps.store.get(storeKeys.userKey(profile)))
  const finding = scan.findings.find((f) => f.kind === 'aws-file' && f.profile === profile && f.longLived && scan.keys.get(f.id)?.secretAccessKey)
  if (finding) {
    const key = scan.keys.get(finding.id)!
    return {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, inFiles: true, ...(stored ? {stored} : {})}
  }
  if (stored) return {accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey, inFiles: false, stored}
  throw new UsageError(`No long-lived key for profile "${profile}" in the AWS files or the secret store.`, 'Run `keyless audit` to see which profiles hold keys.')
}

function ago(ms: number): string {
  const hours = Math.floor(ms / 3_600_000)
  if (hours < 1) return `${Math.max(1, Math.floor(ms / 60_000))} minutes ago`
  if (hours < 48) return `${hours} hours ago`
  return `${Math.floor(hours / 24)} days ago`
}

/** One line about a key's owner and last use, for people (no secret). */
export function describeOwner(owner: KeyOwner, now: number): string {
  const used = owner.lastUsed ? `last used ${ago(now - Date.parse(owner.lastUsed.date))} (${owner.lastUsed.service}, ${owner.lastUsed.region})` : 'never used'
  return `Key ${owner.keyId} of IAM user ${owner.userName} in account ${owner.account}: ${owner.status}, ${used}; IAM calls signed by ${owner.via ? `profile ${owner.via}` : 'the key itself'}.`
}

async function updateStatus(owner: KeyOwner, accessKeyId: string, status: 'Active' | 'Inactive', signing: {via?: string; key?: {accessKeyId: string; secretAccessKey: string}}, deps: RetireDeps): Promise<void> {
  const {UpdateAccessKeyCommand} = await import('@aws-sdk/client-iam')
  const iam = await deps.clients.iam(signing.via ? await profileSigning(signing.via, deps) : signing.key!)
  try {
    await iam.send(new UpdateAccessKeyCommand({UserName: owner.userName, AccessKeyId: accessKeyId, Status: status}))
  } catch (error) {
    const e = error as {name?: string; message?: string}
    if (e.name === 'AccessDenied') {
      throw new KeylessError(`IAM denied iam:UpdateAccessKey on user ${owner.userName} to ${signing.via ? `profile ${signing.via}` : 'the key itself'}; nothing was changed.`, {
        code: 'AccessDenied',
        exit: 4,
        hint: `The signer needs iam:UpdateAccessKey: pass --via with an AdministratorAccess profile of account ${owner.account}.`,
      })
    }
    throw error
  } finally {
    iam.destroy()
  }
}

/** 'dead' when STS answers InvalidClientTokenId for the key, 'alive' when it authenticates. */
async function probeKey(key: {accessKeyId: string; secretAccessKey: string}, deps: RetireDeps): Promise<'dead' | 'alive'> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  const sts = await deps.clients.sts(defaultCheckRegion, {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey})
  try {
    await sts.send(new GetCallerIdentityCommand({}))
    return 'alive'
  } catch (error) {
    if ((error as {name?: string}).name === 'InvalidClientTokenId') return 'dead'
    throw error
  } finally {
    sts.destroy()
  }
}

/** Polls until the key is `want` (IAM changes take a few seconds to reach every endpoint). */
async function waitFor(want: 'dead' | 'alive', key: {accessKeyId: string; secretAccessKey: string}, deps: RetireDeps): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    if ((await probeKey(key, deps)) === want) return true
    await deps.sleep(1000)
  }
  return false
}

/**
 * `keyless audit --retire --profile P`: shows the key's last use, asks, stores the key (for
 * --reactivate), deactivates it in IAM, proves it dead, removes it from the files (as --fix; with
 * --replace-with the profile keeps its name through an Identity Center profile). Each step is
 * repeatable: a retire killed at any point is finished by running it again.
 */
export async function retireKey(input: RetireInput, deps: RetireDeps): Promise<RetireResult> {
  const located = await locateKey(input.profile, deps)
  const owner = await keyOwner({key: located, ...(input.via ? {via: input.via} : {})}, deps)
  deps.stderr.write(`${describeOwner(owner, deps.now())}\n`)

  // Asked for every key step 2 would deactivate: Active, and Unknown (not in the list IAM gave).
  if (owner.status !== 'Inactive') {
    const lastUse = owner.lastUsed ? deps.now() - Date.parse(owner.lastUsed.date) : Number.POSITIVE_INFINITY
    // keyless's own GetSessionToken for a kept key is not "something else".
    const keylessUse = !located.inFiles && located.stored !== undefined && owner.lastUsed?.service === 'sts'
    const recent = lastUse < DAY_MS && !keylessUse
    if (recent) {
      const what = `Key ${owner.keyId} was used ${ago(lastUse)} (${owner.lastUsed!.service}, ${owner.lastUsed!.region}): deactivating it breaks whatever uses it.`
      if (deps.isInteractive && deps.askTyped && !input.force) {
        if (!(await deps.askTyped(`${what} Type the profile name (${input.profile}) to deactivate it:`, input.profile))) {
          throw new KeylessError('Not confirmed; nothing was changed.', {code: 'Interrupted', exit: 130})
        }
      } else if (!(input.yes && input.force)) {
        throw new UsageError(`${what} Nothing was changed.`, 'On a terminal, confirm by typing the profile name; in a script pass --yes --force.')
      }
    } else if (!input.yes) {
      if (!deps.isInteractive || !deps.askTyped) throw new UsageError('--retire deactivates a key in IAM and there is no terminal to ask on.', 'Pass --yes.')
      if (!(await deps.askTyped(`Deactivate key ${owner.keyId} of ${owner.userName}? Type "yes":`, 'yes'))) {
        throw new KeylessError('Not confirmed; nothing was changed.', {code: 'Interrupted', exit: 130})
      }
    }
  }

  // 1. The store first: --reactivate needs the key, and a retire killed later can be finished.
  const storeKey = storeKeys.userKey(input.profile)
  if (located.stored && located.stored.accessKeyId !== located.accessKeyId && !located.stored.retiredAt) {
    throw new UsageError(
      `Profile "${input.profile}" has key ${owner.keyId} in its files but keyless keeps another key of it (${maskKeyId(located.stored.accessKeyId)}) in use; retiring would overwrite that one. Nothing was changed.`,
      'Decide which key the profile keeps, and remove the other (from the files, or retire it in IAM) first.',
    )
  }
  const item: UserKeyItem = located.stored ?? {version: 1, accessKeyId: located.accessKeyId, secretAccessKey: located.secretAccessKey, profile: input.profile, storedAt: new Date(deps.now()).toISOString()}
  if (!located.stored || located.stored.accessKeyId !== located.accessKeyId) {
    await deps.store.set(storeKey, encodeUserKey({...item, accessKeyId: located.accessKeyId, secretAccessKey: located.secretAccessKey}))
  }
  // 2. IAM.
  if (owner.status !== 'Inactive') await updateStatus(owner, located.accessKeyId, 'Inactive', {via: owner.via, key: located}, deps)
  // 3. Proof.
  const provenDead = await waitFor('dead', located, deps)
  if (!provenDead) {
    throw new KeylessError(`IAM marks key ${owner.keyId} Inactive, but it still authenticates; the files were left as they are.`, {
      code: 'StillAlive',
      hint: `Run \`keyless audit --retire --profile ${input.profile}\` again in a minute.`,
    })
  }
  // 4. The files.
  let files: string[] = []
  if (located.inFiles) {
    const fixed = await fixKeys({profiles: [input.profile], yes: true, ...(input.replaceWith ? {replaceWith: input.replaceWith} : {}), ...(input.keylessCommand ? {keylessCommand: input.keylessCommand} : {})}, deps)
    files = fixed.fixed.flatMap((f) => f.files)
  }
  // 5. Done: the stored copy is only for --reactivate now.
  await deps.store.set(storeKey, encodeUserKey({...item, accessKeyId: located.accessKeyId, secretAccessKey: located.secretAccessKey, retiredAt: new Date(deps.now()).toISOString()}))
  for (const k of await deps.store.list(storeKeys.userSessionPrefix(input.profile))) await deps.store.delete(k)
  return {profile: input.profile, owner: {...owner, status: 'Inactive'}, provenDead, files, storeKey, ...(input.replaceWith ? {replacedWith: input.replaceWith} : {})}
}

export interface ReactivateResult {
  profile: string
  owner: KeyOwner
  provenAlive: boolean
  restoredFiles: string[]
}

/** `keyless audit --reactivate --profile P`: undoes a retire (IAM Active, proven working, lines back in the files). */
export async function reactivateKey(input: {profile: string; via?: string}, deps: RetireDeps): Promise<ReactivateResult> {
  const stored = parseUserKey(await deps.store.get(storeKeys.userKey(input.profile)))
  if (!stored) throw new UsageError(`No retired key for profile "${input.profile}" in the secret store.`, 'Only a key retired by `keyless audit --retire` can be reactivated.')
  const owner = await keyOwner({key: stored, ...(input.via ? {via: input.via} : {})}, deps)
  deps.stderr.write(`${describeOwner(owner, deps.now())}\n`)
  if (!owner.via) {
    throw new UsageError(`An inactive key cannot reactivate itself, and no keyless profile covers account ${owner.account}.`, 'Pass --via with an AdministratorAccess profile of that account.')
  }
  if (owner.status !== 'Active') await updateStatus(owner, stored.accessKeyId, 'Active', {via: owner.via}, deps)
  const provenAlive = await waitFor('alive', stored, deps)
  // The lines go back only when the retire moved them out of the files; a --keep profile's key
  // stays in the store, served as before (restoring would undo --keep and put the key back on disk).
  const audit = await deps.store.get(storeKeys.audit(input.profile))
  const kept = audit !== undefined && decodeAuditItem(audit, storeKeys.audit(input.profile)).records.at(-1)?.keptAs !== undefined
  const restored = audit === undefined || kept ? undefined : await restoreKeys({profiles: [input.profile]}, deps)
  const restoredFiles = restored?.restored.flatMap((r) => r.files.map((f) => f.file)) ?? []
  // Back in the files: the store copy goes. A key kept for a --keep profile stays (and is served again).
  if (restoredFiles.length > 0) await deps.store.delete(storeKeys.userKey(input.profile))
  else await deps.store.set(storeKeys.userKey(input.profile), encodeUserKey({...stored, retiredAt: undefined}))
  return {profile: input.profile, owner: {...owner, status: 'Active'}, provenAlive, restoredFiles}
}

export interface DeleteResult {
  profile: string
  owner: KeyOwner
  deleted: true
}

/** `keyless audit --delete --profile P`: deletes a retired (inactive) key in IAM and every copy keyless holds. */
export async function deleteKey(input: {profile: string; via?: string; yes: boolean}, deps: RetireDeps): Promise<DeleteResult> {
  const stored = parseUserKey(await deps.store.get(storeKeys.userKey(input.profile)))
  if (!stored) throw new UsageError(`No retired key for profile "${input.profile}" in the secret store.`, 'Retire it first: `keyless audit --retire --profile ' + input.profile + '`.')
  const owner = await keyOwner({key: stored, ...(input.via ? {via: input.via} : {})}, deps)
  deps.stderr.write(`${describeOwner(owner, deps.now())}\n`)
  if (owner.status !== 'Inactive') {
    const state = owner.status === 'Active' ? 'still active' : 'not known to be inactive'
    throw new UsageError(`Key ${owner.keyId} is ${state}; --delete only deletes a retired (inactive) key.`, `Run \`keyless audit --retire --profile ${input.profile}\` first.`)
  }
  if (!owner.via) throw new UsageError(`An inactive key cannot delete itself, and no keyless profile covers account ${owner.account}.`, 'Pass --via with an AdministratorAccess profile of that account.')
  if (!input.yes) {
    if (!deps.isInteractive || !deps.askTyped) throw new UsageError('--delete deletes a key in IAM for good and there is no terminal to ask on.', 'Pass --yes.')
    if (!(await deps.askTyped(`Delete key ${owner.keyId} of ${owner.userName} for good? Type "delete":`, 'delete'))) {
      throw new KeylessError('Not confirmed; nothing was changed.', {code: 'Interrupted', exit: 130})
    }
  }
  const {DeleteAccessKeyCommand} = await import('@aws-sdk/client-iam')
  const iam = await deps.clients.iam(await profileSigning(owner.via, deps))
  try {
    await iam.send(new DeleteAccessKeyCommand({UserName: owner.userName, AccessKeyId: stored.accessKeyId}))
  } catch (error) {
    if ((error as {name?: string}).name === 'AccessDenied') {
      throw new KeylessError(`IAM denied iam:DeleteAccessKey on user ${owner.userName} to profile ${owner.via}; nothing was changed.`, {
        code: 'AccessDenied', exit: 4, hint: `Pass --via with an AdministratorAccess profile of account ${owner.account}.`,
      })
    }
    throw error
  } finally {
    iam.destroy()
  }
  await deps.store.delete(storeKeys.userKey(input.profile))
  await deps.store.delete(storeKeys.audit(input.profile))
  for (const k of await deps.store.list(storeKeys.userSessionPrefix(input.profile))) await deps.store.delete(k)
  deps.stderr.write(`Deleted key ${maskKeyId(stored.accessKeyId)} in IAM and keyless's copies of it.\n`)
  return {profile: input.profile, owner, deleted: true}
}
