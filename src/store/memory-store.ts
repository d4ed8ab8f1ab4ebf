import type {SecretStore} from './secret-store.js'

/** A secret store held in a Map: for unit tests only (nothing survives the process). */
export function createMemoryStore(initial: Record<string, string> = {}): SecretStore {
  const items = new Map<string, string>(Object.entries(initial))
  return {
    kind: 'memory',
    description: 'in-memory store (tests only)',
    async get(key) {
      return items.get(key)
    },
    async set(key, value) {
      items.set(key, value)
    },
    async delete(key) {
      return items.delete(key)
    },
    async list(prefix) {
      return [...items.keys()].filter((key) => key.startsWith(prefix)).sort()
    },
  }
}
