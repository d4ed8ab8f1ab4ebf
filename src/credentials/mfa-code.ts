import {execFile} from 'node:child_process'
import {KeylessError, ExitCode} from '../errors.js'

/** What an MFA code is asked for. */
export interface MfaRequest {
  profile: string
  serial: string
  /** The profile's mfa_process: a command that prints the code (the AWS CLI's convention). */
  mfaProcess?: string
  /** AWS refused the previous code (wrong, or used already). */
  retry: boolean
}

export interface MfaCode {
  code: string
  /** A code typed on the terminal may be asked again when AWS refuses it; a process's may not. */
  from: 'terminal' | 'process'
}

export type MfaCodeSource = (request: MfaRequest) => Promise<MfaCode>

/** Asks one line on the controlling terminal; undefined when the process has none. */
export type AskTerminal = (question: string) => Promise<string | undefined>

const CODE = /^\d{6}$/

/**
 * MFA codes from `mfa_process` when the profile sets it, else typed on the terminal (the
 * controlling terminal, which works when the AWS CLI captures credential_process's stderr). Without
 * either it fails at once, saying how to start a session on a terminal.
 */
export function createMfaCodeSource(deps: {askTerminal: AskTerminal; env: NodeJS.ProcessEnv; timeoutMs?: number}): MfaCodeSource {
  return async (request) => {
    if (request.mfaProcess) {
      const code = (await runMfaProcess(request.mfaProcess, deps.env, deps.timeoutMs ?? 60_000)).trim()
      if (!CODE.test(code)) {
        throw new KeylessError(`mfa_process of profile "${request.profile}" did not print a 6-digit code.`, {
          code: 'MfaProcessFailed',
          hint: 'Make it print only the current code, e.g. `mfa_process = ykman oath accounts code -s aws`.',
        })
      }
      return {code, from: 'process'}
    }
    const question = request.retry
      ? `AWS refused that code (wrong, or already used). Next MFA code for ${request.serial}: `
      : `MFA code for ${request.serial} (profile ${request.profile}): `
    let answer = await deps.askTerminal(question)
    for (let i = 1; i < 3 && answer !== undefined && !CODE.test(answer.trim()); i++) answer = await deps.askTerminal('An MFA code is 6 digits; try again: ')
    if (answer === undefined) {
      throw new KeylessError(`Profile "${request.profile}" needs an MFA code (${request.serial}) and there is no terminal to ask on.`, {
        code: 'MfaRequired',
        exit: ExitCode.loginRequired,
        hint: `Start a session on a terminal with \`keyless exec ${request.profile} -- true\` (it lasts the profile's session lifetime), or set mfa_process in the profile.`,
      })
    }
    const code = answer.trim()
    if (!CODE.test(code)) {
      throw new KeylessError('An MFA code is 6 digits.', {code: 'MfaCodeInvalid', exit: ExitCode.usage, hint: 'Type the code your authenticator app shows.'})
    }
    return {code, from: 'terminal'}
  }
}

function runMfaProcess(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], {env, timeout: timeoutMs, maxBuffer: 4096}, (error, stdout) => {
      if (error) {
        reject(new KeylessError(`mfa_process failed (${error.code ?? error.signal ?? 'error'}): ${command.split(' ')[0]}.`, {
          code: 'MfaProcessFailed',
          hint: 'Run the command by hand to see why.',
        }))
      } else resolve(stdout)
    })
  })
}
