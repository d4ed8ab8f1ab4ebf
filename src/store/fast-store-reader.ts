import type {Paths} from '../util/paths.js'
import type {SecretStore} from './secret-store.js'
import {keyringAttributes, storeChoice} from './store-choice.js'

/** Reads one store item: its text, undefined when absent; rejects when the store cannot answer. */
export type StoreReader = (key: string) => Promise<string | undefined>

export interface FastStoreReaderDeps {
  /** Opens the store the general way; default openStore (loaded only when needed). */
  openStore?: (env: NodeJS.ProcessEnv, paths: Paths) => Promise<SecretStore>
  platform?: NodeJS.Platform
  /** Deadline of one Secret Service lookup; default 1000 ms. */
  timeoutMs?: number
}

/**
 * Whether the configured store can be read here without a person or the heavy modules, and if so
 * a reader. The Secret Service (Linux, BSD) is read over D-Bus directly, under a deadline (the
 * native keyring module costs about 12 ms to load and connect, and a frozen bus can block it);
 * another keychain, or the file store with KEYLESS_FILE_PASSPHRASE set, through openStore.
 * undefined: the file store without its passphrase (it would prompt) or an unknown KEYLESS_STORE;
 * the full path handles and reports those. For the credential-process hot path, and the agent.
 */
export async function fastStoreReader(env: NodeJS.ProcessEnv, paths: Paths, deps: FastStoreReaderDeps = {}): Promise<StoreReader | undefined> {
  const choice = storeChoice(env, paths, deps.platform)
  if (choice.kind === 'unknown') return undefined
  if (choice.kind === 'file' && choice.passphrase === undefined) return undefined
  if (!deps.openStore && choice.kind === 'keychain' && choice.secretService && choice.dbusAddress) {
    const {lookupSecretService} = await import('./secret-service/lookup-secret-service.js')
    const {service, dbusAddress: address} = choice
    return (key) => lookupSecretService({address, attributes: keyringAttributes(service, key), timeoutMs: deps.timeoutMs})
  }
  const open = deps.openStore ?? (await import('./open-store.js')).openStore
  const store = await open(env, paths)
  return (key) => store.get(key)
}
