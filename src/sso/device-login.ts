import {AccessDeniedError, KeylessError, ExitCode} from '../errors.js'
import type {LineTerminal} from '../ui/line-terminal.js'
import {createSpinner} from '../ui/spinner.js'
import {dropRegistration, ensureRegistration, type RegistrationDeps} from './ensure-registration.js'
import {describeOidcError, isOidcError} from './oidc-error.js'
import {printable} from '../util/classify-aws-error.js'
import {oidcFailure, requireAccessToken} from './oidc-failure.js'
import type {SsoSession} from '../config/profile-types.js'
import type {StoredToken} from './stored-items.js'

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
/** RFC 8628 §3.5: without an interval the client waits 5 s; slow_down adds 5 s. */
export const DEFAULT_INTERVAL_S = 5
export const SLOW_DOWN_STEP_S = 5

export interface LoginDeps extends RegistrationDeps {
  openBrowser: (url: string) => Promise<void>
  /** The terminal a PKCE redirect address can be pasted on (opened when needed); undefined: none. */
  openTerminal?: () => LineTerminal | undefined
  /** Running under WSL (the Windows browser opens sign-in pages). */
  isWsl?: () => boolean
  /**
   * Shows text on the controlling terminal when stderr is not one (the AWS CLI captures
   * credential_process's stderr and shows it only on failure); true when it was shown there.
   * Undefined: stderr is the terminal, or there is none to reach.
   */
  tellTerminal?: (text: string) => boolean
}

export interface LoginOptions {
  /** Only print the URL, do not start a browser. */
  noBrowser?: boolean
}

/**
 * The device authorization grant: register (or reuse) the client, start the authorization, show
 * the URL and code on stderr, open the browser, and poll CreateToken honoring `interval`,
 * `slow_down` and the code's expiry. Returns the token (the caller stores it).
 */
export async function deviceLogin(session: SsoSession, options: LoginOptions, deps: LoginDeps): Promise<StoredToken> {
  const registration = await ensureRegistration(session, 'device', deps)
  const {StartDeviceAuthorizationCommand, CreateTokenCommand} = await import('@aws-sdk/client-sso-oidc')
  const client = await deps.clients.oidc(session.region)

  let started
  try {
    started = await client.send(
      new StartDeviceAuthorizationCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        startUrl: session.startUrl,
      }),
    )
  } catch (error) {
    throw await failure(error, session, deps, `Starting the sign-in for session "${session.name}"`)
  }
  const {deviceCode, userCode} = started
  const url = started.verificationUriComplete || started.verificationUri
  if (!deviceCode || !url) {
    throw oidcFailure(`Starting the sign-in for session "${session.name}"`, {name: 'InvalidResponse', error_description: 'no device code or verification URL'})
  }
  const startedAt = deps.now()
  const deadline = startedAt + (started.expiresIn ?? 600) * 1000
  let intervalMs = Math.max(started.interval ?? DEFAULT_INTERVAL_S, 1) * 1000

  const notice =
    `To sign in to session "${session.name}", open this URL and confirm the code:\n` +
    `  ${printable(url)}\n` +
    (userCode ? `  code: ${printable(userCode)}\n` : '')
  deps.stderr.write(notice)
  // Under the AWS CLI nobody sees stderr until the call fails: show it on the terminal too, and
  // when there is none, say in the eventual error what to run instead.
  const seen = deps.stderr.isTTY || (deps.tellTerminal?.(`keyless: ${notice}`) ?? false)
  await showInBrowser(url, options, deps)

  const spinner = createSpinner(deps.stderr, 'Waiting for approval in the browser…')
  try {
    for (;;) {
      await deps.sleep(intervalMs)
      if (deps.now() >= deadline) throw expired(session, seen)
      try {
        const out = await client.send(
          new CreateTokenCommand({
            grantType: DEVICE_GRANT,
            deviceCode,
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
          }),
        )
        const token = tokenFrom(out, session, deps.now())
        spinner.stop(`Signed in to session "${session.name}".`)
        return token
      } catch (error) {
        if (isOidcError(error, 'AuthorizationPendingException')) continue
        if (isOidcError(error, 'SlowDownException')) {
          intervalMs += SLOW_DOWN_STEP_S * 1000
          continue
        }
        throw await failure(error, session, deps, 'Signing in', seen)
      }
    }
  } catch (error) {
    spinner.stop()
    throw error
  }
}

/** Prints/opens the URL; a browser that cannot start is not fatal (the URL is on screen). */
export async function showInBrowser(url: string, options: LoginOptions, deps: LoginDeps): Promise<void> {
  if (options.noBrowser) return
  try {
    await deps.openBrowser(url)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    deps.stderr.write(`Could not open a browser (${reason}); open the URL above yourself.\n`)
  }
}

/** The token to store from a sign-in's CreateToken answer (which must hold an access token). */
export function tokenFrom(
  out: {accessToken?: string; refreshToken?: string; expiresIn?: number},
  session: SsoSession,
  now: number,
): StoredToken {
  return {
    accessToken: requireAccessToken(out, 'Signing in'),
    ...(out.refreshToken ? {refreshToken: out.refreshToken} : {}),
    expiresAt: now + (out.expiresIn ?? 3600) * 1000,
    startUrl: session.startUrl,
    region: session.region,
    scopes: session.scopes,
  }
}

function expired(session: SsoSession, seen: boolean): KeylessError {
  return new KeylessError(`The sign-in code for session "${session.name}" expired before it was approved.`, {
    code: 'ExpiredToken',
    exit: ExitCode.loginRequired,
    hint: seen
      ? `Run \`keyless login --session ${session.name}\` again and approve it in time.`
      : `Run \`keyless login --session ${session.name}\` again, in a terminal (no terminal showed the code; the AWS CLI hides this text), then run the command again.`,
  })
}

/** The clear line for each way a sign-in ends badly (`seen`: a person could see the device code). */
export async function failure(error: unknown, session: SsoSession, deps: RegistrationDeps, action: string, seen = true): Promise<KeylessError> {
  const login = `\`keyless login --session ${session.name}\``
  if (isOidcError(error, 'AccessDeniedException')) {
    return new AccessDeniedError(`Sign-in to session "${session.name}" was denied (${describeOidcError(error)}).`, `Run ${login} again and approve the request.`)
  }
  if (isOidcError(error, 'ExpiredTokenException')) {
    const e = expired(session, seen)
    return new KeylessError(`${e.message.replace(/\.$/, '')} (${describeOidcError(error)}).`, {code: e.code, exit: e.exit, hint: e.hint})
  }
  if (isOidcError(error, 'InvalidClientException')) {
    await dropRegistration(session, deps)
    return new KeylessError(`The sign-in client registration of session "${session.name}" is no longer valid (${describeOidcError(error)}); it was removed.`, {
      code: 'InvalidClient',
      exit: ExitCode.loginRequired,
      hint: `Run ${login} again.`,
    })
  }
  return oidcFailure(action, error)
}
