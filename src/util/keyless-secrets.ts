/**
 * Environment variables that hold a keyless secret (the key to the encrypted store). keyless reads
 * them itself and never hands them to a process it starts (exec, exec --server, switch's subshell).
 * Besides the names listed, any KEYLESS_* variable whose name says PASSPHRASE, PASSWORD, SECRET or
 * TOKEN counts, so a future one is stripped without an edit here.
 */
export const keylessSecretVariables = ['KEYLESS_FILE_PASSPHRASE'] as const

const secretName = /^KEYLESS_.*(PASSPHRASE|PASSWORD|SECRET|TOKEN)/

export function isKeylessSecretVariable(name: string): boolean {
  return (keylessSecretVariables as readonly string[]).includes(name) || secretName.test(name)
}

/** A copy of env without any keyless secret variable. */
export function withoutKeylessSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isKeylessSecretVariable(name)))
}
