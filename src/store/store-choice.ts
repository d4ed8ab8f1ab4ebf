import {join} from 'node:path'
import type {Paths} from '../util/paths.js'

// Which secret store the environment selects, and the facts about each that more than one place
// needs: openStore (every command), the keychain store, and fastStoreReader (the credential-process
// hot path, later also the agent). Small and free of imports beyond node:path: the hot path loads it.

/** The names KEYLESS_STORE accepts. */
export const storeKinds = ['keychain', 'file'] as const

/** The keychain service every item is filed under unless KEYLESS_KEYCHAIN_SERVICE says otherwise. */
const defaultKeychainService = 'keyless'

/** Where the OS keychain is the freedesktop Secret Service, reached over the D-Bus session bus. */
export const secretServicePlatforms: readonly NodeJS.Platform[] = ['linux', 'freebsd', 'openbsd']

/** The Secret Service attributes @napi-rs/keyring files an item under (Entry(service, username)). */
export function keyringAttributes(service: string, key: string): {service: string; username: string} {
  return {service, username: key}
}

export type StoreChoice =
  | {kind: 'keychain'; service: string; dbusAddress?: string; secretService: boolean}
  /** passphrase: KEYLESS_FILE_PASSPHRASE; undefined means a person must be asked. */
  | {kind: 'file'; path: string; passphrase?: string}
  | {kind: 'unknown'; name: string}

/** The store KEYLESS_STORE selects (keychain by default) and its settings from the environment. */
export function storeChoice(env: NodeJS.ProcessEnv, paths: Pick<Paths, 'dataDir'>, platform: NodeJS.Platform = process.platform): StoreChoice {
  const kind = (env.KEYLESS_STORE ?? '').trim() || 'keychain'
  if (kind === 'keychain') {
    return {
      kind,
      service: env.KEYLESS_KEYCHAIN_SERVICE || defaultKeychainService,
      ...(env.DBUS_SESSION_BUS_ADDRESS ? {dbusAddress: env.DBUS_SESSION_BUS_ADDRESS} : {}),
      secretService: secretServicePlatforms.includes(platform),
    }
  }
  if (kind === 'file') {
    return {kind, path: join(paths.dataDir, 'secrets.enc'), ...(env.KEYLESS_FILE_PASSPHRASE ? {passphrase: env.KEYLESS_FILE_PASSPHRASE} : {})}
  }
  return {kind: 'unknown', name: kind}
}
