import {KeylessError} from '../errors.js'
import type {CredentialProvider} from './cached.js'
import type {CredentialDeps} from './credential-deps.js'
import {toCredentialError} from './to-credential-error.js'

/** The long-lived key GetSessionToken is signed with. */
export interface LongLivedKey {
  accessKeyId: string
  secretAccessKey: string
}

export interface SessionTokenInput {
  /** The profile being served (for messages and the MFA prompt). */
  profile: string
  /** Reads the key (from the secret store, or a chain's static source). */
  key: () => Promise<LongLivedKey>
  mfa?: {serial: string; mfaProcess?: string}
  durationSeconds?: number
  /** The STS client's region. */
  region: string
}

/** A typed code may be tried this many times; a code from mfa_process once. */
const maxCodeAttempts = 3

function mfaRefused(error: unknown): boolean {
  const e = error as {name?: string; message?: string}
  return e?.name === 'AccessDenied' && /MultiFactorAuthentication/.test(e.message ?? '')
}

/**
 * STS GetSessionToken with a long-lived IAM user key: only the session credentials ever leave. With
 * MFA, the code comes from deps.mfaCode (mfa_process or the terminal); AWS refusing a typed code
 * (wrong, or already used) asks again, up to three codes.
 */
export function sessionTokenProvider(input: SessionTokenInput, deps: CredentialDeps): CredentialProvider {
  const context = {
    service: 'AWS STS',
    target: `GetSessionToken for profile ${input.profile}`,
    deniedHint: input.mfa
      ? `Check mfa_serial (${input.mfa.serial}) and the code.`
      : 'The IAM user may require MFA: add mfa_serial = arn:aws:iam::ACCOUNT:mfa/USER to the profile.',
  }
  return async () => {
    const key = await input.key()
    const masked = `${key.accessKeyId.slice(0, 4)}…${key.accessKeyId.slice(-4)}`
    const [{GetSessionTokenCommand}, client] = await Promise.all([
      import('@aws-sdk/client-sts'),
      deps.clients.sts(input.region, {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey}),
    ])
    try {
      for (let attempt = 1; ; attempt++) {
        let code: {code: string; from: 'terminal' | 'process'} | undefined
        if (input.mfa) {
          if (!deps.mfaCode) throw new KeylessError(`Profile "${input.profile}" needs an MFA code and nothing can ask for one here.`, {code: 'MfaRequired'})
          code = await deps.mfaCode({profile: input.profile, serial: input.mfa.serial, mfaProcess: input.mfa.mfaProcess, retry: attempt > 1})
        }
        try {
          const out = await client.send(new GetSessionTokenCommand({
            ...(input.durationSeconds === undefined ? {} : {DurationSeconds: input.durationSeconds}),
            ...(input.mfa && code ? {SerialNumber: input.mfa.serial, TokenCode: code.code} : {}),
          }))
          const c = out.Credentials
          if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
            throw new KeylessError(`AWS STS returned incomplete credentials for ${context.target}.`)
          }
          return {accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiresAt: c.Expiration.getTime()}
        } catch (error) {
          if (code?.from === 'terminal' && mfaRefused(error) && attempt < maxCodeAttempts) continue
          if (mfaRefused(error)) {
            throw new KeylessError(`AWS refused the MFA code for profile "${input.profile}" (wrong, or already used).`, {
              code: 'MfaCodeRefused',
              exit: 4,
              hint: code?.from === 'process' ? 'Check that mfa_process prints the current code for this device.' : 'Wait for the next code and try again.',
            })
          }
          if ((error as {name?: string})?.name === 'InvalidClientTokenId') {
            throw new KeylessError(`AWS does not accept the key stored for profile "${input.profile}" (${masked}): it is inactive or deleted in IAM.`, {
              code: 'KeyNotAccepted',
              exit: 4,
              hint: `\`keyless audit --check\` shows its state; \`keyless audit --reactivate --profile ${input.profile}\` undoes a retire.`,
            })
          }
          throw toCredentialError(error, context)
        }
      }
    } finally {
      client.destroy()
    }
  }
}
