import {homedir} from 'node:os'
import {isAbsolute, join} from 'node:path'

/** Every file location keyless uses, resolved once from the environment and passed down. */
export interface Paths {
  home: string
  /** $AWS_CONFIG_FILE or ~/.aws/config */
  configFile: string
  /** $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials */
  credentialsFile: string
  /** $XDG_CACHE_HOME/keyless (Windows: %LOCALAPPDATA%\\keyless): non-secret caches (account lists, frecency). */
  cacheDir: string
  /** $XDG_DATA_HOME/keyless (Windows: %APPDATA%\\keyless): the encrypted secret file lives here. */
  dataDir: string
  /** Cross-process lock files. */
  lockDir: string
}

/**
 * XDG_CACHE_HOME and XDG_DATA_HOME win when set (also on Windows, for tests and MSYS users); else
 * ~/.cache and ~/.local/share, and on Windows %LOCALAPPDATA% (machine-local caches, locks) and
 * %APPDATA% (the roaming profile: the encrypted secret file).
 */
export function resolvePaths(env: NodeJS.ProcessEnv, home: string = env.HOME || homedir(), platform: NodeJS.Platform = process.platform): Paths {
  const expand = (p: string) => (p.startsWith('~/') ? join(home, p.slice(2)) : p)
  const windows = platform === 'win32'
  // XDG base directory spec: a relative path in an XDG_* variable is invalid and must be ignored.
  const xdg = (value: string | undefined) => (value && isAbsolute(expand(value)) ? expand(value) : undefined)
  const cacheRoot = xdg(env.XDG_CACHE_HOME) ?? (windows ? env.LOCALAPPDATA || join(home, 'AppData', 'Local') : join(home, '.cache'))
  const dataRoot = xdg(env.XDG_DATA_HOME) ?? (windows ? env.APPDATA || join(home, 'AppData', 'Roaming') : join(home, '.local', 'share'))
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
