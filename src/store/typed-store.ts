import type {SecretStore} from './secret-store.js'

/**
 * Typed reads over the string store (STYLE.md rule 5). The expiry lives inside the stored value,
 * so `validate` is where a caller rejects an expired item: anything unparsable, of the wrong
 * shape or expired is a miss (undefined), never an error, so the caller fetches and replaces it.
 */
export async function getJson<T>(
  store: SecretStore,
  key: string,
  validate: (value: unknown) => value is T,
): Promise<T | undefined> {
  const raw = await store.get(key)
  if (raw === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return undefined
  }
  return validate(value) ? value : undefined
}

/** Stores value as JSON under key. */
export async function setJson(store: SecretStore, key: string, value: unknown): Promise<void> {
  await store.set(key, JSON.stringify(value))
}
