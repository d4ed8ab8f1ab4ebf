import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {createEmulatorState, type AssumeRoleRecord, type EmulatorState, type Lifetimes} from './emulator-state.js'
import {FaultInjector, type Fault} from './fault-injector.js'
import {federationOperation, federationService} from './federation-service.js'
import {authorize, createToken, createTokenGrant, deviceApproval, registerClient, startDeviceAuthorization} from './oidc-service.js'
import {landingZone, type Organization} from './organization.js'
import {IAM_VERSION, iamService} from './iam-service.js'
import {iamUserView, seedIamUsers, type IamUserView} from './iam-users.js'
import {getRoleCredentials, listAccountRoles, listAccounts, logout} from './portal-service.js'
import {createUserAccessKey, stsParams, stsService} from './sts-service.js'
import {IAM_NAMESPACE, wire} from './wire.js'

export type {Fault} from './fault-injector.js'
export type {IamUserView} from './iam-users.js'
export type {AssumeRoleRecord, Lifetimes} from './emulator-state.js'
export type {Organization} from './organization.js'

export interface EmulatorOptions {
  /** 0 or unset = a random free port on 127.0.0.1. */
  port?: number
  /** Default: landingZone(). */
  org?: Organization
  /** The clock for every expiry (tokens, codes, credentials). Default Date.now. */
  now?: () => number
}

/** A running local IAM Identity Center (SSO OIDC + portal) + STS + console federation endpoint. */
export interface Emulator {
  /** http://127.0.0.1:PORT */
  url: string
  /**
   * AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM = url,
   * and AWS_ENDPOINT_URL_SIGNIN = url (the console federation endpoint is `${url}/federation`).
   */
  env: Record<string, string>
  org: Organization
  /** Requests received for `op` (every request, including throttled and failed ones), or for one key of it. */
  count(op: string, key?: string): number
  resetCounters(): void
  setFault(op: string, fault: Fault): void
  clearFaults(): void
  setLifetimes(lifetimes: Partial<Lifetimes>): void
  /** What a GET of verificationUriComplete (and GET /authorize) does. Default 'approve'. */
  setDeviceDecision(decision: 'approve' | 'deny'): void
  /** Every access token issued so far gets 401 UnauthorizedException from the portal (refresh tokens still work). */
  revokeAccessTokens(): void
  /** A new long-lived AKIA… key of IAM user `userName` (created when missing) that STS and IAM accept. */
  createUserAccessKey(accountId: string, userName: string): {accessKeyId: string; secretAccessKey: string}
  /**
   * The control API's view of an IAM user: its keys (with secrets, status, last use) and its MFA
   * device's serial and base32 seed, so tests can compute TOTP codes like an authenticator app.
   */
  iamUser(accountId: string, userName: string): IamUserView | undefined
  /** Every accepted AssumeRole (role, session name, source identity, session tags as they arrived and as the session got them), oldest first. */
  assumeRoleCalls(): AssumeRoleRecord[]
  /**
   * Every secret issued so far, for "no secret in plaintext" tests: client secrets, device and
   * authorization codes, access and refresh tokens, and the secret access keys and session tokens
   * of every credential (role, assumed, IAM user, session).
   */
  issuedSecrets(): string[]
  close(): Promise<void>
}

type Protocol = 'oidc' | 'portal' | 'sts' | 'iam' | 'web'

interface Route {
  op: string
  key?: string
  protocol: Protocol
  handle: () => void | Promise<void>
}

/** Starts the emulator on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = createEmulatorState(options.org ?? landingZone(), options.now ?? Date.now)
  seedIamUsers(state, state.org.iamUsers)
  const faults = new FaultInjector()
  const timers = new Set<NodeJS.Timeout>()
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t)
      resolve()
    }, ms)
    timers.add(t)
  })

  const server = createServer((req, res) => {
    handle(state, faults, sleep, req, res).catch((error: unknown) => {
      process.stderr.write(`emulator: ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}\n`)
      if (!res.headersSent) wire.json(res, 500, {message: 'Internal failure'}, {'x-amzn-errortype': 'InternalServerException'})
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  state.url = `http://127.0.0.1:${port}`

  return {
    url: state.url,
    env: {
      AWS_ENDPOINT_URL_SSO_OIDC: state.url,
      AWS_ENDPOINT_URL_SSO: state.url,
      AWS_ENDPOINT_URL_STS: state.url,
      AWS_ENDPOINT_URL_IAM: state.url,
      AWS_ENDPOINT_URL_SIGNIN: state.url,
    },
    org: state.org,
    count: (op, key) => faults.count(op, key),
    resetCounters: () => faults.resetCounters(),
    setFault: (op, fault) => faults.setFault(op, fault),
    clearFaults: () => faults.clearFaults(),
    setLifetimes: (lifetimes) => {
      Object.assign(state.lifetimes, lifetimes)
    },
    setDeviceDecision: (decision) => {
      state.deviceDecision = decision
    },
    revokeAccessTokens: () => {
      for (const token of state.accessTokens.values()) token.revoked = true
    },
    createUserAccessKey: (accountId, userName) => createUserAccessKey(state, accountId, userName),
    iamUser: (accountId, userName) => iamUserView(state, accountId, userName),
    assumeRoleCalls: () => structuredClone(state.assumeRoles),
    issuedSecrets: () => [
      ...[...state.registrations.values()].map((r) => r.clientSecret),
      ...[...state.devices.values()].map((d) => d.deviceCode),
      ...state.authorizationCodes.keys(),
      ...state.accessTokens.keys(),
      ...state.refreshTokens.keys(),
      ...[...state.credentials.values()].flatMap((c) => [c.secretAccessKey, c.sessionToken ?? '']),
      ...[...state.iamKeys.values()].map((k) => k.secretAccessKey),
    ].filter((s) => s.length > 0),
    close: async () => {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

async function handle(state: EmulatorState, faults: FaultInjector, sleep: (ms: number) => Promise<void>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const body = await wire.readBody(req)
  const route = resolveRoute(state, req, res, url, body)
  if (!route) {
    return wire.json(res, 404, {message: `No operation at ${req.method} ${url.pathname}`}, {'x-amzn-errortype': 'UnknownOperationException'})
  }
  faults.increment(route.op, route.key)
  const latency = faults.latency(route.op)
  if (latency > 0) await sleep(latency)
  const decision = faults.decide(route.op)
  if (decision.kind === 'fail') {
    faults.increment('Failed5xx', route.op)
    return sendFailure(res, route.protocol, decision.status)
  }
  if (decision.kind === 'throttle') {
    faults.increment('Throttled', route.op)
    return sendThrottle(res, route.protocol)
  }
  await route.handle()
}

function resolveRoute(state: EmulatorState, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Route | undefined {
  const ctx = {state, res}
  const {pathname: path, searchParams: query} = url
  const headers = req.headers
  const method = req.method ?? 'GET'
  if (method === 'POST' && path === '/client/register') return {op: 'RegisterClient', protocol: 'oidc', handle: () => registerClient(ctx, body)}
  if (method === 'POST' && path === '/device_authorization') return {op: 'StartDeviceAuthorization', protocol: 'oidc', handle: () => startDeviceAuthorization(ctx, body)}
  if (method === 'POST' && path === '/token') return {op: 'CreateToken', key: createTokenGrant(body), protocol: 'oidc', handle: () => createToken(ctx, body)}
  if (method === 'GET' && path === '/authorize') return {op: 'Authorize', protocol: 'web', handle: () => authorize(ctx, query)}
  if (method === 'GET' && path === '/device') return {op: 'DeviceApproval', protocol: 'web', handle: () => deviceApproval(ctx, query)}
  if (method === 'GET' && path === '/assignment/accounts') return {op: 'ListAccounts', protocol: 'portal', handle: () => listAccounts(ctx, headers, query)}
  if (method === 'GET' && path === '/assignment/roles') return {op: 'ListAccountRoles', protocol: 'portal', handle: () => listAccountRoles(ctx, headers, query)}
  if (method === 'GET' && path === '/federation/credentials') {
    const key = `${query.get('account_id') ?? ''}/${query.get('role_name') ?? ''}`
    return {op: 'GetRoleCredentials', key, protocol: 'portal', handle: () => getRoleCredentials(ctx, headers, query)}
  }
  if (method === 'POST' && path === '/logout') return {op: 'Logout', protocol: 'portal', handle: () => logout(ctx, headers)}
  if (method === 'GET' && path === '/federation') return {op: federationOperation(query), protocol: 'web', handle: () => federationService(ctx, query)}
  if (path === '/' && (method === 'POST' || (method === 'GET' && query.has('Action')))) {
    const params = stsParams(method, query, body)
    const action = params.get('Action') ?? ''
    const key = action === 'AssumeRole' ? params.get('RoleArn') ?? '' : undefined
    const query0: Record<string, string> = {}
    for (const [k, v] of query) query0[k] = v
    const signed = {method, path, query: query0, headers, body}
    // STS and IAM share the endpoint (AWS_ENDPOINT_URL_STS = AWS_ENDPOINT_URL_IAM); the API version tells them apart.
    if (params.get('Version') === IAM_VERSION) {
      return {op: action || 'UnknownIamAction', protocol: 'iam', handle: () => iamService(ctx, action, params, signed)}
    }
    return {op: action || 'UnknownStsAction', key, protocol: 'sts', handle: () => stsService(ctx, action, params, signed)}
  }
  return undefined
}

function sendFailure(res: ServerResponse, protocol: Protocol, status: number): void {
  const unavailable = status === 503
  switch (protocol) {
    case 'oidc':
      return wire.oidcError(res, status, 'InternalServerException', 'server_error', 'Injected fault: internal server error')
    case 'portal':
      return wire.portalError(res, status, unavailable ? 'ServiceUnavailableException' : 'InternalServerException', 'Injected fault: internal server error')
    case 'sts':
      return wire.stsError(res, status, unavailable ? 'ServiceUnavailable' : 'InternalFailure', 'Injected fault: internal server error', 'Receiver')
    case 'iam':
      return wire.stsError(res, status, unavailable ? 'ServiceUnavailable' : 'ServiceFailure', 'Injected fault: internal server error', 'Receiver', IAM_NAMESPACE)
    case 'web':
      return wire.text(res, status, 'Injected fault: internal server error\n')
  }
}

function sendThrottle(res: ServerResponse, protocol: Protocol): void {
  switch (protocol) {
    case 'oidc':
    case 'portal':
      return wire.portalError(res, 429, 'TooManyRequestsException', 'Rate exceeded')
    case 'sts':
      // STS throttles with 400 Throttling (awsQuery), not 429.
      return wire.stsError(res, 400, 'Throttling', 'Rate exceeded')
    case 'iam':
      return wire.stsError(res, 400, 'Throttling', 'Rate exceeded', 'Sender', IAM_NAMESPACE)
    case 'web':
      return wire.text(res, 429, 'Too many requests\n')
  }
}
