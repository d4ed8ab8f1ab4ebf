import type {SecretStore} from './secret-store.js'

export interface MemoryStore extends SecretStore {
  /** The items, for assertions. */
  items: Map<string, string>
  /** How many times `set` was called. */
  sets: number
}

/** A SecretStore held in a Map (nothing survives the process) that counts writes: the tests' store, and a scratch copy where a command must not touch the real one. */
export function createMemoryStore(initial: Record<string, string> = {}): MemoryStore {
  const items = new Map<string, string>(Object.entries(initial))
  const store: MemoryStore = {
    kind: 'memory',
    description: 'in-memory store',
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
