import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {deviceLogin} from '../../src/sso/device-login.js'
import {writeToken} from '../../src/sso/stored-items.js'
import {serializeCredentials} from '../../src/credentials/stored-credentials.js'
import {storeKeys} from '../../src/store/keys.js'
import {fakeDeps, session} from './fakes.js'

/** The AWS config the session-administration tests start from: two sso-sessions and a plain profile. */
export const adminConfig = `# my config\n[profile dev]\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = ${session.startUrl}\nsso_region = ${session.region}\nsso_registration_scopes = sso:account:access\n\n[sso-session lab]\nsso_start_url = https://lab.awsapps.com/start\nsso_region = us-east-1\n`

/** Signed in to `corp`, with cached role and chain credentials of both sessions (some near or past expiry). */
export async function signedIn(home: string) {
  const f = fakeDeps({home})
  await deviceLogin(session, {}, f.deps).then((t) => writeToken(f.store, 'corp', t))
  const creds = (n: number, expiresAt: number) => serializeCredentials({accessKeyId: `ASIA${n}`, secretAccessKey: 'sk-SECRET', sessionToken: 'st-SECRET', expiresAt})
  await f.store.set(storeKeys.role('corp', '111111111111', 'Admin'), creds(1, f.clock.now() + 50 * 60_000))
  await f.store.set(storeKeys.role('corp', '222222222222', 'Read'), creds(2, f.clock.now() + 20 * 60_000))
  await f.store.set(storeKeys.role('corp', '333333333333', 'Old'), creds(3, f.clock.now() - 1))
  await f.store.set(storeKeys.role('lab', '444444444444', 'Dev'), creds(4, f.clock.now() + 60 * 60_000))
  await f.store.set(storeKeys.chain('corp', 'c0ffee'), creds(5, f.clock.now() + 30 * 60_000))
  await f.store.set(storeKeys.chain('lab', 'beef'), creds(6, f.clock.now() + 30 * 60_000))
  await f.store.set(storeKeys.token('corp-other'), '{"other": true}')
  return f
}

/** A temporary HOME holding `adminConfig` as ~/.aws/config, made before each test and removed after it. */
export function useAdminHome(): {path: string} {
  const home = {path: ''}
  beforeEach(async () => {
    home.path = await mkdtemp(join(tmpdir(), 'keyless-admin-'))
    await mkdir(join(home.path, '.aws'))
    await writeFile(join(home.path, '.aws', 'config'), adminConfig)
  })
  afterEach(() => rm(home.path, {recursive: true, force: true}))
  return home
}
