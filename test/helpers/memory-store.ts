// The tests' memory store is the one in src/ (logout uses it at run time too).
export {createMemoryStore, type MemoryStore} from '../../src/store/memory-store.js'
