import type {SSOClient} from '@aws-sdk/client-sso'
import type {STSClient} from '@aws-sdk/client-sts'
import type {ChainedRoleProfile, SsoRoleProfile, StaticKeyProfile} from '../../src/config/profile-types.js'
import type {LockRunner} from '../../src/lock/with-lock.js'
import type {CredentialDeps} from '../../src/credentials/credential-deps.js'
import type {SsoSession} from '../../src/config/profile-types.js'
import type {AccessToken, TokenProvider} from '../../src/sso/session-types.js'
import type {ClientFactory, SigningCredentials} from '../../src/util/aws-clients.js'
import {resolvePaths} from '../../src/util/paths.js'
import {fakeClock} from '../helpers/fake-clock.js'
import {createMemoryStore} from '../helpers/memory-store.js'

export const T0 = Date.parse('2026-11-22T12:00:00Z')

/** An in-process lock (per name, FIFO): single flight within one test process. */
export function memoryLock(): LockRunner & {names: string[]} {
  const tails = new Map<string, Promise<unknown>>()
  const names: string[] = []
  const lock = (async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    names.push(name)
    const before = tails.get(name) ?? Promise.resolve()
    const run = before.then(fn, fn)
    tails.set(name, run.catch(() => undefined))
    return run
  }) as LockRunner & {names: string[]}
  lock.names = names
  return lock
}

export const session: SsoSession = {name: 'corp', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access']}

export function ssoProfile(overrides: Partial<SsoRoleProfile> = {}): SsoRoleProfile {
  return {kind: 'sso', name: 'dev', region: 'eu-central-1', settings: {}, session, accountId: '111111111111', roleName: 'ReadOnly', ...overrides}
}

export function chainProfile(source: ChainedRoleProfile['source'], overrides: Partial<ChainedRoleProfile> = {}): ChainedRoleProfile {
  return {kind: 'chain', name: 'audit', settings: {}, roleArn: 'arn:aws:iam::222222222222:role/Auditor', source, ...overrides}
}

export function staticProfile(overrides: Partial<StaticKeyProfile> = {}): StaticKeyProfile {
  return {kind: 'static', name: 'keys', settings: {}, accessKeyId: 'AKIAFAKESTATIC000001', secretAccessKey: 'static-secret', ...overrides}
}

export interface SentCommand {
  name: string
  input: Record<string, unknown>
  region: string
  credentials?: SigningCredentials
}

type Responder = (command: SentCommand) => unknown

/** SDK errors as the SDK shapes them. */
export function sdkError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), {name, $fault: status >= 500 ? 'server' : 'client', $metadata: {httpStatusCode: status, attempts: 1}})
}

/**
 * Client factory whose clients record every command and answer through `respond` (default: fresh
 * credentials for GetRoleCredentials / AssumeRole, numbered so tests can tell them apart).
 */
export function fakeClients(clock: {now: () => number}, respond?: Responder): ClientFactory & {sent: SentCommand[]} {
  const sent: SentCommand[] = []
  let serial = 0
  const defaultRespond: Responder = (command) => {
    serial++
    if (command.name === 'GetRoleCredentialsCommand') {
      return {roleCredentials: {accessKeyId: `ASIAROLE${serial}`, secretAccessKey: `role-secret-${serial}`, sessionToken: `role-token-${serial}`, expiration: clock.now() + 3600_000}}
    }
    if (command.name === 'AssumeRoleCommand') {
      return {Credentials: {AccessKeyId: `ASIACHAIN${serial}`, SecretAccessKey: `chain-secret-${serial}`, SessionToken: `chain-token-${serial}`, Expiration: new Date(clock.now() + 3600_000)}}
    }
    throw new Error(`unexpected ${command.name}`)
  }
  const client = (region: string, credentials?: SigningCredentials) => ({
    async send(command: {constructor: {name: string}; input: Record<string, unknown>}) {
      const entry = {name: command.constructor.name, input: command.input, region, credentials}
      sent.push(entry)
      const answer = (respond ?? defaultRespond)(entry)
      if (answer instanceof Error) throw answer
      return answer ?? defaultRespond(entry)
    },
  })
  return {
    sent,
    oidc: async () => {
      throw new Error('no OIDC in these tests')
    },
    portal: async (region) => client(region) as unknown as SSOClient,
    sts: async (region, credentials) => client(region, credentials) as unknown as STSClient,
  }
}

/** A token provider that hands out numbered tokens and records invalidations. */
export function fakeTokens(): TokenProvider & {gets: number; invalidated: string[]} {
  let n = 1
  const tokens = {
    gets: 0,
    invalidated: [] as string[],
    async get(): Promise<AccessToken> {
      tokens.gets++
      return {accessToken: `portal-token-${n}`, expiresAt: Number.MAX_SAFE_INTEGER}
    },
    async invalidate(_session: SsoSession, token: AccessToken) {
      tokens.invalidated.push(token.accessToken)
      n++
    },
  }
  return tokens
}

export function fakeDeps(options: {respond?: Responder} = {}) {
  const clock = fakeClock(T0)
  const stderrText: string[] = []
  const clients = fakeClients(clock, options.respond)
  const tokens = fakeTokens()
  const store = createMemoryStore()
  const lock = memoryLock()
  const deps = {
    now: clock.now,
    sleep: clock.sleep,
    env: {},
    stderr: {write: (text: string) => void stderrText.push(text)},
    paths: resolvePaths({HOME: '/nonexistent-home'}),
    store,
    clients,
    tokens,
    lock,
  } satisfies CredentialDeps
  return {deps, clock, clients, tokens, store, lock, stderr: () => stderrText.join('')}
}
