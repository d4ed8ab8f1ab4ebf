import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {AppDeps} from '../../src/cli/command-deps.js'
import {createTokenProvider} from '../../src/sso/token-provider.js'
import {fakeDeps, session} from '../sso/fakes.js'

export const CORP_CONFIG = `[sso-session corp]\nsso_start_url = ${session.startUrl}\nsso_region = ${session.region}\nsso_registration_scopes = sso:account:access\n`

/**
 * What a command gets from deps() in an in-process test (test/helpers/run-command.ts): a temp HOME
 * with `config` as ~/.aws/config, a memory store, a fake clock, a scripted OIDC and portal, a
 * token provider that never signs in.
 */
export async function inProcessDeps(config = CORP_CONFIG) {
  const home = await mkdtemp(join(tmpdir(), 'keyless-command-'))
  await mkdir(join(home, '.aws'))
  await writeFile(join(home, '.aws', 'config'), config)
  const f = fakeDeps({home})
  const deps: Omit<AppDeps, 'stdout' | 'stderr'> = {...f.deps, openTerminal: () => undefined, isWsl: () => false, isInteractive: false, tokens: createTokenProvider(f.deps, {noLogin: true})}
  return {...f, home, deps, cleanup: () => rm(home, {recursive: true, force: true})}
}
