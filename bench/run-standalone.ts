import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {REPO_ROOT} from '../test/helpers/sandbox.js'

/**
 * Runs a bench file given on the command line (`node --import tsx bench/NAME.ts`) by itself; with no
 * session bus it reruns inside a private gnome-keyring, as npm test and npm run bench do.
 */
export async function runStandalone(moduleUrl: string, run: () => Promise<void>): Promise<void> {
  const file = fileURLToPath(moduleUrl)
  if (!process.argv[1] || file !== process.argv[1]) return
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.KEYLESS_PRIVATE_KEYRING) {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'keyring-run.mjs'), process.execPath, '--import', 'tsx', '--no-warnings=ExperimentalWarning', file], {stdio: 'inherit'})
    child.once('exit', (code) => process.exit(code ?? 1))
  } else {
    await run()
  }
}
