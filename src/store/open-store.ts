import {access} from 'node:fs/promises'
import {ExitCode, InterruptedError, KeylessError, UsageError} from '../errors.js'
import type {Paths} from '../util/paths.js'
import type {SecretStore} from './secret-store.js'
import {storeChoice, storeKinds} from './store-choice.js'

export interface OpenStoreOptions {
  /**
   * Asks for the file-store passphrase when KEYLESS_FILE_PASSPHRASE is unset. Default: a hidden
   * prompt on stderr when stdin and stderr are terminals, else a one-line error.
   */
  prompt?: (message: string) => Promise<string>
  /** Whether a person can answer a prompt; default: stdin and stderr are TTYs. */
  interactive?: boolean
}

/**
 * The configured secret store: KEYLESS_STORE = keychain (default) or file. Small on purpose: the
 * credential-process hot path may load it, so each backend (and the prompt library) loads only
 * when chosen.
 */
export async function openStore(env: NodeJS.ProcessEnv, paths: Paths, options: OpenStoreOptions = {}): Promise<SecretStore> {
  const choice = storeChoice(env, paths)
  if (choice.kind === 'keychain') {
    const {createKeychainStore} = await import('./keychain-store.js')
    return createKeychainStore({service: choice.service, dbusAddress: choice.dbusAddress})
  }
  if (choice.kind === 'file') {
    const passphrase = choice.passphrase || (await askPassphrase(choice.path, options))
    const {createFileStore} = await import('./file-store.js')
    return createFileStore({path: choice.path, passphrase})
  }
  throw new UsageError(`Unknown KEYLESS_STORE "${choice.name}".`, `Use one of: ${storeKinds.join(', ')}.`)
}

async function askPassphrase(path: string, options: OpenStoreOptions): Promise<string> {
  const interactive = options.interactive ?? Boolean(process.stdin.isTTY && process.stderr.isTTY)
  if (!interactive) {
    throw new KeylessError('KEYLESS_STORE=file needs a passphrase, and there is no terminal to ask for one.', {
      code: 'PassphraseRequired',
      exit: ExitCode.usage,
      hint: 'Set KEYLESS_FILE_PASSPHRASE.',
    })
  }
  const prompt = options.prompt ?? hiddenPrompt
  const exists = await access(path).then(() => true, () => false)
  const first = await prompt(exists ? `Passphrase for ${path}:` : `Choose a passphrase for the new secret file ${path}:`)
  if (!first) throw new UsageError('The passphrase is empty.', 'Enter one, or set KEYLESS_FILE_PASSPHRASE.')
  if (!exists && (await prompt('Repeat the passphrase:')) !== first) {
    throw new UsageError('The passphrases do not match.', 'Run the command again.')
  }
  return first
}

/** Hidden input on stderr (stdout is data), with @inquirer loaded only now. */
async function hiddenPrompt(message: string): Promise<string> {
  const {password} = await import('@inquirer/prompts')
  try {
    return await password({message}, {output: process.stderr})
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new InterruptedError()
    throw error
  }
}
