// Types for the parts of with-keyring.mjs that TypeScript tests import.
export function privateBusConfig(listen: string): string
export function needsPrivateKeyring(env?: NodeJS.ProcessEnv): boolean
export function runWithPrivateKeyring(argv: string[], options?: {cwd?: string}): void
