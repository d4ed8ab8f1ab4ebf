import {readAwsConfigSync} from '../config/read-aws-config-sync.js'
import type {AwsCredentials} from '../credentials/credential-types.js'
import {hasTimeLeft, parseStoredCredentials} from '../credentials/stored-credentials.js'
import {fastStoreReader, type FastStoreReaderDeps, type StoreReader} from '../store/fast-store-reader.js'
import {storeKeys} from '../store/keys.js'
import type {Paths} from '../util/paths.js'
import {fastCredentialSpec} from './fast-credential-spec.js'

export interface ReadCachedDeps extends FastStoreReaderDeps {
  now: () => number
  /** A reader already open (a resident process keeps one); default fastStoreReader's. */
  reader?: StoreReader
}

export interface CachedRead {
  /** The store key of the profile's credentials (the lock and claim names derive from it). */
  key: string
  /** Present when cached and outside the reuse window; absent on a miss. */
  credentials?: AwsCredentials
}

/**
 * The cache-hit flow of `credential-process`, for every process that serves it (the CLI's hot
 * path now, a resident agent later): read the config with keyless's own small reader, work out the
 * profile's cache key, read the store the fast way. undefined when this cannot be answered here
 * (an unusual or broken config, a static-key profile, a store that would prompt): the full path
 * then handles and reports it. Rejects when the store cannot be read. Loads no oclif, no AWS SDK,
 * and node:crypto only for a role chain (its key is a digest).
 */
export async function readCachedCredentials(profileName: string, env: NodeJS.ProcessEnv, paths: Paths, deps: ReadCachedDeps): Promise<CachedRead | undefined> {
  const config = readAwsConfigSync(paths)
  if (!config) return undefined
  const spec = fastCredentialSpec(config, profileName, env)
  if (!spec || spec.kind === 'static' || spec.kind === 'environment') return undefined
  const key =
    spec.kind === 'sso'
      ? storeKeys.role(spec.session, spec.accountId, spec.roleName)
      : (await import('../credentials/credential-key.js')).credentialKey(spec)
  if (key === undefined) return undefined
  const read = deps.reader ?? (await fastStoreReader(env, paths, deps))
  if (!read) return undefined
  const credentials = parseStoredCredentials(await read(key))
  return credentials && hasTimeLeft(credentials, deps.now()) ? {key, credentials} : {key}
}
