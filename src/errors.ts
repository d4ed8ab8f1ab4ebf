/**
 * Typed, user-facing errors. Each carries a fixed exit code and a hint saying what to do next.
 * The CLI prints `message` (plus the hint) as one line on stderr; no stack trace unless --debug.
 */
export const ExitCode = {
  general: 1,
  usage: 2,
  loginRequired: 3,
  accessDenied: 4,
  storeUnavailable: 5,
  network: 6,
  interrupted: 130,
} as const

export class KeylessError extends Error {
  readonly exit: number
  readonly hint?: string
  readonly code: string

  constructor(message: string, options: {code?: string; exit?: number; hint?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'KeylessError'
    this.code = options.code ?? 'Error'
    this.exit = options.exit ?? ExitCode.general
    this.hint = options.hint
  }

  /** The one line a person sees. */
  get line(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message
  }
}

export class UsageError extends KeylessError {
  constructor(message: string, hint?: string) {
    super(message, {code: 'UsageError', exit: ExitCode.usage, hint})
  }
}

export class LoginRequiredError extends KeylessError {
  constructor(session: string, reason = 'no valid session') {
    super(`Session "${session}": ${reason}.`, {
      code: 'LoginRequired',
      exit: ExitCode.loginRequired,
      hint: `Run \`keyless login --session ${session}\`.`,
    })
  }
}

export class AccessDeniedError extends KeylessError {
  constructor(message: string, hint?: string) {
    super(message, {code: 'AccessDenied', exit: ExitCode.accessDenied, hint})
  }
}

export class StoreUnavailableError extends KeylessError {
  constructor(message: string, cause?: unknown) {
    super(message, {
      code: 'StoreUnavailable',
      exit: ExitCode.storeUnavailable,
      hint: 'Set KEYLESS_STORE=file (with KEYLESS_FILE_PASSPHRASE) to use the encrypted file store instead.',
      cause,
    })
  }
}

export class InterruptedError extends KeylessError {
  constructor(message = 'Cancelled.') {
    super(message, {code: 'Interrupted', exit: ExitCode.interrupted})
  }
}
