import type {SecretStore} from './store/secret-store.js'
import type {Paths} from './util/paths.js'

/** Where people-facing text goes (stderr in the CLI, a buffer in tests). */
export interface Output {
  write(text: string): void
  readonly isTTY?: boolean
}

/** The ambient things domain code needs. Domain code never reads Date.now, process.env or timers itself. */
export interface BaseDeps {
  /** Milliseconds since the epoch. */
  now: () => number
  sleep: (ms: number) => Promise<void>
  env: NodeJS.ProcessEnv
  stderr: Output
  paths: Paths
}

export interface StoreDeps extends BaseDeps {
  store: SecretStore
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
