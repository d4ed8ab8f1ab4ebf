import type {Emulator} from '../emulator/emulator.js'
import {DEPLOYER_ROLE_ARN, DEV_DEPLOYER_ROLE_ARN, EXTERNAL_AUDITOR_EXTERNAL_ID, EXTERNAL_AUDITOR_ROLE_ARN, LANDING_ZONE_ACCOUNT_IDS} from '../emulator/organization.js'
import {CLI_ENTRY, createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {ssoSessionConfig} from '../helpers/sso-session-config.js'

export const ids = LANDING_ZONE_ACCOUNT_IDS

/** `credential_process = node <repo>/bin/run.js credential-process --profile NAME` (absolute paths). */
export function credentialProcessLine(profile: string): string {
  return `credential_process = ${process.execPath} ${CLI_ENTRY} credential-process --profile ${profile}`
}

/**
 * An AWS config for the landing-zone emulator: keyless profiles, a native SSO profile, role chains
 * (one with the external id the ExternalAuditor role requires), and `*-cli` twins that only say
 * `credential_process` (a profile with role_arn would make the AWS CLI assume the role itself).
 */
export function profilesConfig(emulator: Emulator, options: {session?: string} = {}): string {
  const session = options.session ?? 'emulator'
  const keyless = (name: string, account: string, role: string) =>
    `[profile ${name}]\nkeyless_session = ${session}\nkeyless_account_id = ${account}\nkeyless_role_name = ${role}\nregion = eu-west-1\n${credentialProcessLine(name)}\n`
  return [
    ssoSessionConfig(emulator, {name: session}),
    keyless('dev', ids['workload-dev'], 'ReadOnlyAccess'),
    keyless('dev-power', ids['workload-dev'], 'PowerUserAccess'),
    keyless('prod-ro', ids['workload-prod'], 'ReadOnlyAccess'),
    keyless('test-power', ids['workload-test'], 'PowerUserAccess'),
    keyless('security-ro', ids.security, 'ReadOnlyAccess'),
    keyless('sandbox-admin', ids.sandbox, 'AdministratorAccess'),
    keyless('sandbox-ro', ids.sandbox, 'ReadOnlyAccess'), // not assigned: 403
    keyless('shared-admin', ids['shared-services'], 'AdministratorAccess'),
    keyless('shared-power', ids['shared-services'], 'PowerUserAccess'),
    keyless('shared-ro', ids['shared-services'], 'ReadOnlyAccess'),
    keyless('network-admin', ids.network, 'AdministratorAccess'),
    keyless('security-admin', ids.security, 'AdministratorAccess'),
    keyless('logs-ro', ids['log-archive'], 'ReadOnlyAccess'),
    `[profile native]\nsso_session = ${session}\nsso_account_id = ${ids.network}\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\n`,
    `[profile auditor]\nrole_arn = ${EXTERNAL_AUDITOR_ROLE_ARN}\nsource_profile = security-ro\nexternal_id = ${EXTERNAL_AUDITOR_EXTERNAL_ID}\nregion = eu-west-1\n`,
    `[profile auditor-cli]\nregion = eu-west-1\n${credentialProcessLine('auditor')}\n`,
    `[profile deployer]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\nsource_profile = dev-power\nrole_session_name = deploy-bot\n`,
    `[profile deployer-retry]\nrole_arn = ${DEV_DEPLOYER_ROLE_ARN}\nsource_profile = shared-admin\nrole_session_name = retry-bot\n`,
    `[profile throttle-a]\nrole_arn = ${DEPLOYER_ROLE_ARN}\nsource_profile = shared-admin\nrole_session_name = throttle-a\n`,
    `[profile throttle-b]\nrole_arn = ${EXTERNAL_AUDITOR_ROLE_ARN}\nsource_profile = shared-admin\nexternal_id = ${EXTERNAL_AUDITOR_EXTERNAL_ID}\nrole_session_name = throttle-b\n`,
    `[profile deployer-2hop]\nrole_arn = ${EXTERNAL_AUDITOR_ROLE_ARN}\nsource_profile = deployer\nexternal_id = ${EXTERNAL_AUDITOR_EXTERNAL_ID}\n`,
  ].join('\n')
}

/** A fresh sandbox with `profilesConfig` written and the `emulator` session signed in. */
export async function profilesSandbox(): Promise<Sandbox> {
  const sb = await createSandbox()
  await sb.writeConfig(profilesConfig(sb.emulator))
  const login = await sb.run(['login', '--session', 'emulator'])
  if (login.code !== 0) {
    await sb.cleanup()
    throw new Error(`login failed (${login.code}): ${login.stderr}`)
  }
  return sb
}
