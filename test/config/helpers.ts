import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface TempAws {
  dir: string
  configFile: string
  credentialsFile: string
  /** Where the config lock lives (as Paths.lockDir). */
  lockDir: string
  cleanup: () => void
}

/** A throwaway HOME-like directory with `.aws/config` and `.aws/credentials` when given. */
export function tempAws(files: {config?: string; credentials?: string} = {}): TempAws {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-config-'))
  const configFile = join(dir, '.aws', 'config')
  const credentialsFile = join(dir, '.aws', 'credentials')
  if (files.config !== undefined || files.credentials !== undefined) mkdirSync(join(dir, '.aws'), {mode: 0o700})
  if (files.config !== undefined) writeFileSync(configFile, files.config, {mode: 0o600})
  if (files.credentials !== undefined) writeFileSync(credentialsFile, files.credentials, {mode: 0o600})
  return {dir, configFile, credentialsFile, lockDir: join(dir, '.cache', 'keyless', 'locks'), cleanup: () => rmSync(dir, {recursive: true, force: true})}
}
