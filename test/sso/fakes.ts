import type {SSOOIDCClient} from '@aws-sdk/client-sso-oidc'
import type {SSOClient} from '@aws-sdk/client-sso'
import {bufferOutput} from '../helpers/buffer-output.js'
import {fakeClock} from '../helpers/fake-clock.js'
import {createMemoryStore} from '../helpers/memory-store.js'
import type {ClientFactory} from '../../src/util/aws-clients.js'
import type {TokenProviderDeps} from '../../src/sso/token-provider.js'
import type {SsoSession} from '../../src/config/profile-types.js'
import {resolvePaths} from '../../src/util/paths.js'

/** An SDK-shaped OIDC error: name, error, error_description, and the SDK's useless message. */
export function oidcError(name: string, error: string, description: string): Error {
  return Object.assign(new Error('UnknownError'), {name, error, error_description: description, $fault: 'client'})
}

export type DevicePoll = 'pending' | 'slow_down' | 'denied' | 'expired' | 'invalid_client' | 'ok'
export type RefreshAnswer = 'ok' | 'ok-without-refresh-token' | 'invalid_grant' | 'invalid_client' | 'network'

export interface Call {
  op: string
  input: Record<string, unknown>
  at: number
}

/**
 * A scripted SSO OIDC service behind a ClientFactory. It receives the real SDK command objects,
 * so the code under test builds its requests exactly as it does against AWS.
 */
export function fakeOidc(clock: {now: () => number}) {
  let n = 0
  const fake = {
    calls: [] as Call[],
    /** Answers to device_code polls, in order; once used up every poll succeeds. */
    devicePolls: [] as DevicePoll[],
    refreshAnswers: [] as RefreshAnswer[],
    device: {expiresIn: 600, interval: 5 as number | undefined},
    registrationSeconds: 90 * 24 * 3600,
    tokenSeconds: 3600,
    refreshable: true,
    /** The portal answers with a connection refused. */
    portalDown: false,
    /** Tokens handed out, in order. */
    issued: [] as {accessToken: string; refreshToken?: string}[],
    count: (op: string, grant?: string) => fake.calls.filter((c) => c.op === op && (grant === undefined || c.input.grantType === grant)).length,
    clients: undefined as unknown as ClientFactory,
  }
  const issue = (withRefresh = fake.refreshable) => {
    n++
    const out = {accessToken: `access-token-${n}-SECRETAT`, expiresIn: fake.tokenSeconds, ...(withRefresh ? {refreshToken: `refresh-token-${n}-SECRETRT`} : {})}
    fake.issued.push(out)
    return out
  }
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    RegisterClientCommand: () => {
      n++
      return {clientId: `client-${n}`, clientSecret: `client-secret-${n}-SECRETCS`, clientSecretExpiresAt: Math.floor(clock.now() / 1000) + fake.registrationSeconds}
    },
    StartDeviceAuthorizationCommand: () => ({
      deviceCode: `device-code-${++n}`,
      userCode: 'ABCD-EFGH',
      verificationUri: 'https://device.example/',
      verificationUriComplete: 'https://device.example/?user_code=ABCD-EFGH',
      expiresIn: fake.device.expiresIn,
      interval: fake.device.interval,
    }),
    CreateTokenCommand: (input) => {
      if (input.grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
        const next = fake.devicePolls.shift() ?? 'ok'
        switch (next) {
          case 'pending':
            throw oidcError('AuthorizationPendingException', 'authorization_pending', 'Authorization is still pending')
          case 'slow_down':
            throw oidcError('SlowDownException', 'slow_down', 'Client is polling too quickly')
          case 'denied':
            throw oidcError('AccessDeniedException', 'access_denied', 'Authorization request was denied by the user')
          case 'expired':
            throw oidcError('ExpiredTokenException', 'expired_token', 'Device code has expired')
          case 'invalid_client':
            throw oidcError('InvalidClientException', 'invalid_client', 'Client registration has expired')
          default:
            return issue()
        }
      }
      if (input.grantType === 'refresh_token') {
        const next = fake.refreshAnswers.shift() ?? 'ok'
        if (next === 'invalid_grant') throw oidcError('InvalidGrantException', 'invalid_grant', 'Invalid refresh token provided')
        if (next === 'invalid_client') throw oidcError('InvalidClientException', 'invalid_client', 'Invalid client provided')
        if (next === 'network') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'})
        const out = issue(next === 'ok')
        return next === 'ok' ? out : {accessToken: out.accessToken, expiresIn: out.expiresIn}
      }
      if (input.grantType === 'authorization_code') return issue()
      throw oidcError('UnsupportedGrantTypeException', 'unsupported_grant_type', String(input.grantType))
    },
  }
  const client = {
    send: async (command: {constructor: {name: string}; input: Record<string, unknown>}) => {
      const op = command.constructor.name
      fake.calls.push({op, input: command.input, at: clock.now()})
      await new Promise((resolve) => setImmediate(resolve))
      const handler = handlers[op]
      if (!handler) throw new Error(`fake OIDC: no ${op}`)
      return handler(command.input)
    },
  }
  fake.clients = {
    oidc: async () => client as unknown as SSOOIDCClient,
    portal: async () =>
      ({
        send: async (command: {constructor: {name: string}; input: Record<string, unknown>}) => {
          fake.calls.push({op: command.constructor.name, input: command.input, at: clock.now()})
          if (fake.portalDown) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'})
          return {}
        },
      }) as unknown as SSOClient,
    sts: async () => {
      throw new Error('fake: no sts')
    },
  }
  return fake
}

/** An in-process lock (one holder per name at a time), standing in for the cross-process one. */
export function inProcessLock() {
  const tails = new Map<string, Promise<unknown>>()
  const lock = {
    acquisitions: 0,
    run: async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const before = tails.get(name) ?? Promise.resolve()
      let release!: () => void
      const mine = new Promise<void>((resolve) => (release = resolve))
      tails.set(name, before.then(() => mine))
      await before.catch(() => {})
      lock.acquisitions++
      try {
        return await fn()
      } finally {
        release()
      }
    },
  }
  return lock
}

export const session: SsoSession = {name: 'corp', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access']}

/** Everything the sign-in code needs, faked. */
export function fakeDeps(options: {env?: NodeJS.ProcessEnv; home?: string} = {}) {
  const clock = fakeClock()
  const oidc = fakeOidc(clock)
  const store = createMemoryStore()
  const stderr = bufferOutput()
  const lock = inProcessLock()
  const browser: string[] = []
  const env = options.env ?? {HOME: options.home ?? '/nonexistent-home'}
  const deps: TokenProviderDeps = {
    now: clock.now,
    sleep: clock.sleep,
    env,
    stderr,
    paths: resolvePaths(env),
    store,
    clients: oidc.clients,
    openBrowser: async (url: string) => void browser.push(url),
    lock: lock.run,
  }
  return {clock, oidc, store, stderr, lock, browser, deps}
}
