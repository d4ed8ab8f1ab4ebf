import {UsageError} from '../errors.js'
import {storeKeys} from '../store/keys.js'
import type {SecretStore} from '../store/secret-store.js'

/**
 * The secret-store item `user-key/NAME`: an IAM user's long-lived key kept by `audit --fix --keep`
 * (or a key retired by `audit --retire`, kept for `--reactivate`). keyless signs STS and IAM calls
 * with it and never hands it to a tool.
 */
export interface UserKeyItem {
  version: 1
  accessKeyId: string
  secretAccessKey: string
  /** The profile it came from. */
  profile: string
  /** ISO-8601 */
  storedAt: string
  /** Set by `audit --retire`: deactivated in IAM at this time (ISO-8601). */
  retiredAt?: string
}

export function encodeUserKey(item: UserKeyItem): string {
  return JSON.stringify(item)
}

/** The item, or undefined when missing or unreadable. */
export function parseUserKey(text: string | undefined): UserKeyItem | undefined {
  if (text === undefined) return undefined
  try {
    const v = JSON.parse(text) as Partial<UserKeyItem>
    if (v.version === 1 && typeof v.accessKeyId === 'string' && typeof v.secretAccessKey === 'string' && typeof v.profile === 'string') {
      return v as UserKeyItem
    }
  } catch {
    // fall through
  }
  return undefined
}

/** The stored key `name` that profile `profile` is served from; a UsageError when there is none. */
export async function readUserKey(store: SecretStore, name: string, profile: string): Promise<UserKeyItem> {
  const item = parseUserKey(await store.get(storeKeys.userKey(name)))
  if (!item) {
    throw new UsageError(
      `Profile "${profile}" is served from a stored key (keyless_stored_key = ${name}), but the secret store holds no key "${name}".`,
      `Run \`keyless audit --fix --keep --profile ${profile}\` on the machine where the key is, or remove keyless_stored_key from the profile.`,
    )
  }
  return item
}
