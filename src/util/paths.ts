import {homedir} from 'node:os'
import {isAbsolute, join} from 'node:path'

/** Every file location keyless uses, resolved once from the environment and passed down. */
export interface Paths {
  home: string
  /** $AWS_CONFIG_FILE or ~/.aws/config */
  configFile: string
  /** $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials */
  credentialsFile: string
  /** $XDG_CACHE_HOME/keyless: non-secret caches (account lists, frecency). */
  cacheDir: string
  /** $XDG_DATA_HOME/keyless: the encrypted secret file lives here. */
  dataDir: string
  /** Cross-process lock files. */
  lockDir: string
}

export function resolvePaths(env: NodeJS.ProcessEnv, home: string = env.HOME || homedir()): Paths {
  const expand = (p: string) => (p.startsWith('~/') ? join(home, p.slice(2)) : p)
  // XDG base directory spec: a relative path in an XDG_* variable is invalid and must be ignored.
  const xdg = (value: string | undefined) => (value && isAbsolute(expand(value)) ? expand(value) : undefined)
  const cacheRoot = xdg(env.XDG_CACHE_HOME) ?? join(home, '.cache')
  const dataRoot = xdg(env.XDG_DATA_HOME) ?? join(home, '.local', 'share')
  const cacheDir = join(cacheRoot, 'keyless')
  return {
    home,
    configFile: env.AWS_CONFIG_FILE ? expand(env.AWS_CONFIG_FILE) : join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE
      ? expand(env.AWS_SHARED_CREDENTIALS_FILE)
      : join(home, '.aws', 'credentials'),
    cacheDir,
    dataDir: join(dataRoot, 'keyless'),
    lockDir: join(cacheDir, 'locks'),
  }
}
