import {randomBytes} from 'node:crypto'
import {mkdir, utimes, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

/** A random key pair that looks like AWS's (so a grep for it can only hit what the test planted). */
export function fakeKey(prefix = 'AKIA'): {accessKeyId: string; secretAccessKey: string} {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const id = [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('')
  return {accessKeyId: prefix + id, secretAccessKey: randomBytes(30).toString('base64').replace(/=+$/, '')}
}

export interface PlantedKeys {
  legacy: {accessKeyId: string; secretAccessKey: string}
  ci: {accessKeyId: string; secretAccessKey: string}
  shell: {accessKeyId: string; secretAccessKey: string}
  fish: {accessKeyId: string; secretAccessKey: string}
  stale: {accessKeyId: string; secretAccessKey: string; sessionToken: string}
  env: {accessKeyId: string; secretAccessKey: string}
  ssoToken: string
  cliSecret: string
}

export const CONFIG_TEXT = [
  '[default]',
  'region = eu-west-1',
  '',
  '[sso-session corp]',
  'sso_start_url = https://d-9067c0ffee.awsapps.com/start',
  'sso_region = eu-west-1',
  'sso_registration_scopes = sso:account:access',
  '',
  '[profile prod-admin]',
  'keyless_session = corp',
  'keyless_account_id = 111111111111',
  'keyless_role_name = AdministratorAccess',
  'credential_process = keyless credential-process --profile prod-admin',
  '',
].join('\n')

async function put(path: string, text: string, ageDays = 0): Promise<void> {
  await mkdir(dirname(path), {recursive: true})
  await writeFile(path, text)
  if (ageDays > 0) {
    const t = new Date(Date.now() - ageDays * 86_400_000)
    await utimes(path, t, t)
  }
}

/** Keys in every place audit looks: credentials (CRLF, comments), config, bash, fish, caches; the env pair is for the run's environment. */
export async function plantKeys(home: string, configFile: string, credentialsFile: string): Promise<PlantedKeys> {
  const keys: PlantedKeys = {
    legacy: fakeKey(),
    ci: fakeKey(),
    shell: fakeKey(),
    fish: fakeKey(),
    stale: {...fakeKey('ASIA'), sessionToken: randomBytes(40).toString('base64')},
    env: fakeKey(),
    ssoToken: `aoa${randomBytes(24).toString('hex')}`,
    cliSecret: randomBytes(30).toString('base64'),
  }
  await put(
    credentialsFile,
    `# hand-written, 2019\r\n[legacy] ; the old IAM user\r\naws_access_key_id = ${keys.legacy.accessKeyId}\r\naws_secret_access_key = ${keys.legacy.secretAccessKey}\r\n\r\n` +
      `[stale]\r\naws_access_key_id = ${keys.stale.accessKeyId}\r\naws_secret_access_key = ${keys.stale.secretAccessKey}\r\naws_session_token = ${keys.stale.sessionToken}\r\n`,
    400,
  )
  await put(configFile, `${CONFIG_TEXT}\n[profile ci]\nregion = eu-central-1\naws_access_key_id = ${keys.ci.accessKeyId}\naws_secret_access_key = ${keys.ci.secretAccessKey}\n`, 30)
  await put(join(home, '.bashrc'), `# .bashrc\nexport PATH="$HOME/bin:$PATH"\nexport AWS_ACCESS_KEY_ID=${keys.shell.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY="${keys.shell.secretAccessKey}"\n`)
  await put(join(home, '.config', 'fish', 'config.fish'), `set -gx AWS_ACCESS_KEY_ID ${keys.fish.accessKeyId}\nset -gx AWS_SECRET_ACCESS_KEY ${keys.fish.secretAccessKey}\n`)
  await put(
    join(home, '.aws', 'sso', 'cache', 'f00.json'),
    JSON.stringify({startUrl: 'https://d-9067c0ffee.awsapps.com/start', region: 'eu-west-1', accessToken: keys.ssoToken, expiresAt: new Date(Date.now() + 3600_000).toISOString()}),
  )
  await put(
    join(home, '.aws', 'cli', 'cache', 'b4r.json'),
    JSON.stringify({Credentials: {AccessKeyId: fakeKey('ASIA').accessKeyId, SecretAccessKey: keys.cliSecret, SessionToken: 'x', Expiration: new Date(Date.now() - 3600_000).toISOString()}}),
  )
  return keys
}

/** Every secret (and full key id) planted: none may appear in any output. */
export function allSecrets(keys: PlantedKeys): string[] {
  return [
    ...[keys.legacy, keys.ci, keys.shell, keys.fish, keys.stale, keys.env].flatMap((k) => [k.accessKeyId, k.secretAccessKey]),
    keys.stale.sessionToken,
    keys.ssoToken,
    keys.cliSecret,
  ]
}
