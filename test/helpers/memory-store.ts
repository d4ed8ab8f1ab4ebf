import type {SecretStore} from '../../src/store/secret-store.js'

export interface MemoryStore extends SecretStore {
  /** The items, for assertions. */
  items: Map<string, string>
  /** How many times `set` was called. */
  sets: number
}

/** The one in-memory SecretStore of the tests: a Map (nothing survives the process) that counts writes. */
export function createMemoryStore(initial: Record<string, string> = {}): MemoryStore {
  const items = new Map<string, string>(Object.entries(initial))
  const store: MemoryStore = {
    kind: 'memory',
    description: 'in-memory store (tests only)',
    items,
    sets: 0,
    async get(key) {
      return items.get(key)
    },
    async set(key, value) {
      store.sets++
      items.set(key, value)
    },
    async delete(key) {
      return items.delete(key)
    },
    async list(prefix) {
      return [...items.keys()].filter((key) => key.startsWith(prefix)).sort()
    },
  }
  return store
}
