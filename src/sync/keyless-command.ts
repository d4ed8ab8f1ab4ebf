import {accessSync, constants, realpathSync, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

export interface KeylessCommandInput {
  env: NodeJS.ProcessEnv
  /** The running script (process.argv[1]). */
  script: string
  /** The running node (process.execPath). */
  node: string
}

/**
 * How generated config (credential_process) and shell functions call keyless:
 * - `KEYLESS_BIN` when set, verbatim (e.g. `node /abs/path/bin/run.js`; tests and unusual installs);
 * - else plain `keyless` when a `keyless` is on PATH — what granted (`granted credential-process`)
 *   and aws-vault users expect: the config stays valid across upgrades and node version switches;
 * - else the absolute path of the running script (through node when it is not executable), quoted.
 */
export function keylessCommand(input: KeylessCommandInput): string {
  const override = input.env.KEYLESS_BIN?.trim()
  if (override) return override
  if (onPath('keyless', input.env.PATH ?? '')) return 'keyless'
  let script = input.script
  try {
    script = realpathSync(script)
  } catch {
    // keep it as given
  }
  return isExecutable(script) ? quote(script) : `${quote(input.node)} ${quote(script)}`
}

function onPath(name: string, path: string): boolean {
  return path.split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, name)))
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Double quotes only when needed (botocore splits the line with shlex, the JS SDK runs it in a shell). */
function quote(path: string): string {
  return /^[A-Za-z0-9_./@+-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, '\\$1')}"`
}
