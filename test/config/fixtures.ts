/**
 * Hand-crafted AWS config files, kept as exact strings (so CRLF and missing final newlines survive
 * any git or editor setting). Each one exercises the lexical corners real files have.
 */

/** Everything at once, LF, with a final newline. */
export const kitchenSink = [
  '# AWS config of a developer who has used many tools',
  '; semicolon comments too',
  '',
  '[default]',
  'region=eu-central-1',
  'output =  json   # trailing comment',
  '',
  '[profile dev]',
  '  region = eu-west-1',
  'cli_pager=',
  '',
  '',
  '# the corporate Identity Center',
  '[sso-session corp]',
  'sso_start_url = https://d-1234567890.awsapps.com/start',
  'sso_region = us-east-1',
  'sso_registration_scopes = sso:account:access',
  '',
  '[services local]',
  's3 =',
  '  endpoint_url = http://127.0.0.1:9000',
  '  # an indented comment inside the sub-section',
  '  addressing_style = path',
  'sts =',
  '    endpoint_url = http://127.0.0.1:4566',
  '',
  '[profile unicode-values]',
  'region = us-east-1',
  'description = Ärger mit Ümlauten — and “quotes” 🚀',
  '',
  '[profile acme.admin]',
  'sso_session = corp',
  'sso_account_id = 111111111111',
  'sso_role_name = AdministratorAccess',
  'region = us-east-2',
  '',
].join('\n')

/** The same shape with CRLF line endings and no final newline. */
export const crlfNoFinalNewline = [
  '; written on Windows',
  '[default]',
  'region = us-west-2',
  '',
  '[sso-session corp]',
  'sso_start_url = https://corp.example.com/start',
  'sso_region = eu-central-1',
  '',
  '[profile dev]',
  'keyless_session = corp',
  'keyless_account_id = 222222222222',
  'keyless_role_name = Developer',
  'credential_process = keyless credential-process --profile dev',
].join('\r\n')

/** A config with every kind of profile keyless resolves. */
export const allKinds = `[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1

[sso-session lab]
sso_start_url = http://127.0.0.1:4000/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access, codewhisperer:completions

[profile keyless-dev]
keyless_session = corp
keyless_account_id = 111111111111
keyless_role_name = Developer
region = eu-west-1
credential_process = keyless credential-process --profile keyless-dev

[profile native]
sso_session = lab
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile legacy]
sso_start_url = https://d-9999999999.awsapps.com/start
sso_region = us-west-2
sso_account_id = 333333333333
sso_role_name = Admin
region = us-west-1

[profile hop1]
role_arn = arn:aws:iam::444444444444:role/Deployer
source_profile = keyless-dev
external_id = ext-123
role_session_name = alice
duration_seconds = 3600

[profile hop2]
role_arn = arn:aws:iam::555555555555:role/Auditor
source_profile = hop1
region = ap-southeast-2

[profile hop3]
role_arn = arn:aws-us-gov:iam::666666666666:role/Gov
source_profile = hop2

[profile from-static]
role_arn = arn:aws:iam::777777777777:role/Legacy
source_profile = old-user

[profile self-source]
role_arn = arn:aws:iam::888888888888:role/Self
source_profile = self-source
aws_access_key_id = AKIASELFSELFSELFSELF
aws_secret_access_key = selfsecret

[profile cycle-a]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = cycle-b

[profile cycle-b]
role_arn = arn:aws:iam::111111111111:role/B
source_profile = cycle-c

[profile cycle-c]
role_arn = arn:aws:iam::111111111111:role/C
source_profile = cycle-a

[profile with-mfa]
role_arn = arn:aws:iam::111111111111:role/Mfa
source_profile = keyless-dev
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile with-credential-source]
role_arn = arn:aws:iam::111111111111:role/Ec2
credential_source = Ec2InstanceMetadata

[profile bad-duration]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = keyless-dev
duration_seconds = 60

[profile bad-source]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = does-not-exist

[profile incomplete-keyless]
keyless_session = corp
keyless_account_id = 111111111111

[profile unknown-session]
keyless_session = nope
keyless_account_id = 111111111111
keyless_role_name = Dev

[profile config-static]
aws_access_key_id = AKIACONFIGCONFIGCONF
aws_secret_access_key = configsecret

[profile only-region]
region = us-east-1

[default]
keyless_session = corp
keyless_account_id = 999999999999
keyless_role_name = Default
`

export const allKindsCredentials = `[old-user]
aws_access_key_id = AKIAOLDUSEROLDUSER00
aws_secret_access_key = oldsecret
region = sa-east-1

[temp-user]
aws_access_key_id = ASIATEMPTEMPTEMPTEMP
aws_secret_access_key = tempsecret
aws_session_token = temptoken
`

/** n keyless profiles under one session, like a synced landing zone. */
export function bigConfig(n: number): string {
  const out = ['[sso-session corp]', 'sso_start_url = https://d-1234567890.awsapps.com/start', 'sso_region = us-east-1', '']
  for (let i = 0; i < n; i++) {
    const id = String(100000000000 + i)
    out.push(
      `[profile account-${i}.Developer]`,
      `keyless_session = corp`,
      `keyless_account_id = ${id}`,
      `keyless_role_name = Developer`,
      `region = eu-central-1`,
      `credential_process = keyless credential-process --profile account-${i}.Developer`,
      '',
    )
  }
  return out.join('\n')
}
