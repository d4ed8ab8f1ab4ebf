import {loadAwsConfig} from '../config/load-aws-config.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {encodeUserKey, readUserKey} from '../credentials/user-key.js'
import {KeylessError, UsageError} from '../errors.js'
import {storeKeys} from '../store/keys.js'
import {defaultCheckRegion} from './check-keys.js'
import {keyOwner, profileSigning} from './key-owner.js'
import {maskKeyId} from '../util/mask-key-id.js'
import {describeOwner, type RetireDeps} from './retire-key.js'

export interface RotateInput {
  profile: string
  via?: string
  yes: boolean
}

export interface RotateResult {
  profile: string
  userName: string
  account: string
  oldKeyId: string
  newKeyId: string
  /** The old key: deactivated, proven dead, deleted. */
  oldDeleted: true
}

type Key = {accessKeyId: string; secretAccessKey: string}

async function authenticates(key: Key, deps: RetireDeps): Promise<boolean> {
  const {GetCallerIdentityCommand} = await import('@aws-sdk/client-sts')
  const sts = await deps.clients.sts(defaultCheckRegion, key)
  try {
    await sts.send(new GetCallerIdentityCommand({}))
    return true
  } catch (error) {
    if ((error as {name?: string}).name === 'InvalidClientTokenId') return false
    throw error
  } finally {
    sts.destroy()
  }
}

async function until(want: boolean, key: Key, deps: RetireDeps): Promise<boolean> {
  for (let i = 0; i < 10; i++) {
    if ((await authenticates(key, deps)) === want) return true
    await deps.sleep(1000)
  }
  return false
}

/**
 * `keyless rotate PROFILE`: for a profile served from a stored key (`keyless_stored_key`), creates a
 * new key, proves it works, stores it (the profile uses it from then on), deactivates the old key,
 * proves it dead and deletes it. A user with two keys already is refused before anything changes;
 * any failure once the new key exists keeps both and says what state each is in.
 */
export async function rotateKey(input: RotateInput, deps: RetireDeps): Promise<RotateResult> {
  const profile = resolveProfile(await loadAwsConfig(deps.paths), input.profile)
  if (profile.kind !== 'stored-key') {
    throw new UsageError(`Profile "${input.profile}" is not served from a stored key; rotate works on keys kept by \`keyless audit --fix --keep\`.`, 'Keep it first, or retire it: `keyless audit --retire --profile ' + input.profile + '`.')
  }
  const name = profile.keyName
  const old = await readUserKey(deps.store, name, input.profile)
  const owner = await keyOwner({key: old, ...(input.via ? {via: input.via} : {})}, deps)
  deps.stderr.write(`${describeOwner(owner, deps.now())}\n`)
  const iamSdk = await import('@aws-sdk/client-iam')
  // Signed by --via / the covering profile, else by the user's own key (AWS's self-service policy).
  const signer = async (fallback: Key) => deps.clients.iam(owner.via ? await profileSigning(owner.via, deps) : fallback)

  const lister = await signer(old)
  let keys
  try {
    keys = (await lister.send(new iamSdk.ListAccessKeysCommand({UserName: owner.userName}))).AccessKeyMetadata ?? []
  } finally {
    lister.destroy()
  }
  if (keys.length >= 2) {
    const list = keys.map((k) => `${maskKeyId(k.AccessKeyId ?? '')} (${k.Status})`).join(', ')
    throw new UsageError(
      `IAM user ${owner.userName} already has two access keys (${list}); AWS allows two, so a new one cannot be created. Nothing was changed.`,
      'Delete the one keyless does not use (`aws iam delete-access-key`, after checking its last use with `keyless audit --check`), then rotate again.',
    )
  }
  if (!input.yes) {
    if (!deps.isInteractive || !deps.askTyped) throw new UsageError('rotate changes keys in IAM and there is no terminal to ask on.', 'Pass --yes.')
    if (!(await deps.askTyped(`Create a new key for ${owner.userName}, then deactivate and delete ${owner.keyId}? Type "yes":`, 'yes'))) {
      throw new KeylessError('Not confirmed; nothing was changed.', {code: 'Interrupted', exit: 130})
    }
  }

  // 1. The new key, kept at once (a kill after CreateAccessKey must not lose it).
  const creator = await signer(old)
  let fresh: Key
  try {
    const created = (await creator.send(new iamSdk.CreateAccessKeyCommand({UserName: owner.userName}))).AccessKey
    if (!created?.AccessKeyId || !created.SecretAccessKey) throw new KeylessError('IAM returned no new key.')
    fresh = {accessKeyId: created.AccessKeyId, secretAccessKey: created.SecretAccessKey}
  } finally {
    creator.destroy()
  }
  const pendingKey = storeKeys.userKey(`${name}.new`)
  const now = () => new Date(deps.now()).toISOString()
  await deps.store.set(pendingKey, encodeUserKey({version: 1, ...fresh, profile: input.profile, storedAt: now()}))
  const both = (newState: string, oldState: string) =>
    `New key ${maskKeyId(fresh.accessKeyId)}: ${newState}. Old key ${owner.keyId}: ${oldState}.`

  // 2. Proof, 3. the profile switches to it.
  if (!(await until(true, fresh, deps))) {
    throw new KeylessError(`The new key does not authenticate yet. ${both(`Active in IAM, kept in the secret store as ${pendingKey}`, 'Active, still used by the profile')}`, {
      code: 'RotateIncomplete', hint: `Run \`keyless rotate ${input.profile}\` again later, or delete the new key in IAM.`,
    })
  }
  await deps.store.set(storeKeys.userKey(name), encodeUserKey({version: 1, ...fresh, profile: input.profile, storedAt: now()}))
  for (const k of await deps.store.list(storeKeys.userSessionPrefix(name))) await deps.store.delete(k)

  // 4. Old key: deactivate, prove dead, delete.
  const remover = await signer(fresh)
  try {
    try {
      await remover.send(new iamSdk.UpdateAccessKeyCommand({UserName: owner.userName, AccessKeyId: old.accessKeyId, Status: 'Inactive'}))
    } catch (error) {
      throw new KeylessError(`Could not deactivate the old key (${(error as Error).name}). ${both('Active, proven working, used by the profile', 'Active')}`, {
        code: 'RotateIncomplete', exit: 4, hint: `Deactivate it with --via an AdministratorAccess profile: \`keyless audit --check\` shows it.`,
      })
    }
    if (!(await until(false, old, deps))) {
      throw new KeylessError(`IAM marks the old key Inactive, but it still authenticates. ${both('Active, used by the profile', 'Inactive in IAM, not yet deleted')}`, {code: 'RotateIncomplete'})
    }
    try {
      await remover.send(new iamSdk.DeleteAccessKeyCommand({UserName: owner.userName, AccessKeyId: old.accessKeyId}))
    } catch (error) {
      throw new KeylessError(`Could not delete the old key (${(error as Error).name}). ${both('Active, used by the profile', 'Inactive, not deleted')}`, {code: 'RotateIncomplete', exit: 4})
    }
  } finally {
    remover.destroy()
  }
  await deps.store.delete(pendingKey)
  return {profile: input.profile, userName: owner.userName, account: owner.account, oldKeyId: owner.keyId, newKeyId: maskKeyId(fresh.accessKeyId), oldDeleted: true}
}
