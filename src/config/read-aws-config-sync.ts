import {readFileSync} from 'node:fs'
import type {Paths} from '../util/paths.js'
import {buildAwsConfig} from './build-aws-config.js'
import {parseIniDocument} from './ini-document.js'
import type {AwsConfig} from './load-aws-config.js'

/**
 * The AWS config and credentials files as loadAwsConfig sees them (the same builder), read
 * synchronously for the credential-process hot path, which cannot afford the SDK's loader (about
 * 18 ms) or an error path. undefined when a file cannot be read or has a line the SDK would skip:
 * the full path (`loadAwsConfig`) then reports it properly.
 */
export function readAwsConfigSync(paths: Pick<Paths, 'configFile' | 'credentialsFile'>): AwsConfig | undefined {
  const configText = readIfExists(paths.configFile)
  const credentialsText = readIfExists(paths.credentialsFile)
  if (configText === null || credentialsText === null) return undefined
  const configDoc = configText === undefined ? undefined : parseIniDocument(configText)
  const credentialsDoc = credentialsText === undefined ? undefined : parseIniDocument(credentialsText)
  if (configDoc?.problems.length || credentialsDoc?.problems.length) return undefined
  return buildAwsConfig(configDoc, credentialsDoc, paths)
}

/** The text, undefined when the file does not exist, null when it cannot be read. */
function readIfExists(path: string): string | undefined | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null
  }
}
