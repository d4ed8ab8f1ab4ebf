import {readFile} from 'node:fs/promises'
import {KeylessError, UsageError} from '../errors.js'
import type {Paths} from '../util/paths.js'
import {buildAwsConfig} from './build-aws-config.js'
import {parseIniDocument, type IniDocument} from './ini-document.js'
import {quote} from './validate.js'

/** The AWS shared config and credentials files, as the AWS SDK reads them. */
export interface AwsConfig {
  /** `[profile NAME]` and `[default]` of the config file, by profile name. */
  profiles: Record<string, Record<string, string>>
  /** `[sso-session NAME]` of the config file, by session name. */
  ssoSessions: Record<string, Record<string, string>>
  /** Sections of the credentials file, by profile name. */
  credentials: Record<string, Record<string, string>>
  /** Where the values came from, for messages (absent when a test builds an AwsConfig by hand). */
  configFile?: string
  credentialsFile?: string
}

/** Reads a file, `undefined` when it does not exist. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new KeylessError(`Cannot read ${path}: ${(error as Error).message}.`, {
      code: 'ConfigUnreadable',
      hint: 'Check that the file is readable by you.',
      cause: error,
    })
  }
}

/**
 * Throws a one-line UsageError for the first line of `text` the SDK would silently skip (a line that is
 * neither a section, `key = value`, a comment, a blank line nor a continuation), naming file and line.
 * Returns the parsed document.
 */
export function assertWellFormed(path: string, text: string, doc: IniDocument = parseIniDocument(text)): IniDocument {
  const problem = doc.problems[0]
  if (!problem) return doc
  const shown = problem.text.trim().length > 60 ? `${problem.text.trim().slice(0, 57)}...` : problem.text.trim()
  throw new UsageError(
    `Malformed AWS config file ${path} line ${problem.line + 1}: ${quote(shown)} ${problem.reason}.`,
    'Fix or remove that line (sections look like [profile NAME], settings like key = value).',
  )
}

/**
 * Loads `configFile` and `credentialsFile` as the AWS SDKs see them (the one builder,
 * build-aws-config.ts; the hot path reads the same files synchronously through it). Missing files
 * are empty; a malformed file is a UsageError naming file and line.
 */
export async function loadAwsConfig(paths: Pick<Paths, 'configFile' | 'credentialsFile'>): Promise<AwsConfig> {
  const [configText, credentialsText] = await Promise.all([
    readTextFile(paths.configFile),
    readTextFile(paths.credentialsFile),
  ])
  const configDoc = configText === undefined ? undefined : assertWellFormed(paths.configFile, configText)
  const credentialsDoc = credentialsText === undefined ? undefined : assertWellFormed(paths.credentialsFile, credentialsText)
  return buildAwsConfig(configDoc, credentialsDoc, paths)
}
