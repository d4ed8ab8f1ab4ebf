// Discovery of a large organization against the local emulator: 1,000 accounts × 3 roles, 20 ms
// latency on every portal call, ListAccountRoles limited to 20 requests/s (429 beyond). The bound
// is 1,000 calls / 20 per s = 50 s; goal: wall time ≤ 1.2 × the bound, and no pair lost.
import {CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand} from '@aws-sdk/client-sso-oidc'
import {discoverAssignments} from '../src/portal/discover-assignments.js'
import {discoveryPortalClient} from '../src/portal/discovery-client.js'
import {createClientFactory} from '../src/util/aws-clients.js'
import type {SsoSession} from '../src/config/profile-types.js'
import {startEmulator} from '../test/emulator/emulator.js'
import {generatedOrganization} from '../test/emulator/organization.js'

const accounts = Number(process.env.BENCH_ACCOUNTS ?? 1000)
const roles = 3
const ratePerSecond = 20
const latencyMs = 20

/** A portal access token from the emulator: the device flow, approved by fetching its URL. */
async function signIn(url: string, region: string, startUrl: string): Promise<string> {
  const oidc = new SSOOIDCClient({region, endpoint: url})
  const client = await oidc.send(new RegisterClientCommand({clientName: 'keyless-bench', clientType: 'public', scopes: ['sso:account:access']}))
  const device = await oidc.send(new StartDeviceAuthorizationCommand({clientId: client.clientId, clientSecret: client.clientSecret, startUrl}))
  await fetch(device.verificationUriComplete!)
  const token = await oidc.send(
    new CreateTokenCommand({clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode}),
  )
  oidc.destroy()
  return token.accessToken!
}

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const org = generatedOrganization(accounts, roles)
  const emulator = await startEmulator({org})
  const previousEndpoint = process.env.AWS_ENDPOINT_URL_SSO
  try {
    process.env.AWS_ENDPOINT_URL_SSO = emulator.url
    const session: SsoSession = {name: 'bench', startUrl: org.startUrl, region: org.region, scopes: ['sso:account:access']}
    const accessToken = await signIn(emulator.url, org.region, org.startUrl)
    emulator.setFault('ListAccounts', {latencyMs})
    emulator.setFault('ListAccountRoles', {latencyMs, ratePerSecond})
    emulator.resetCounters()
    const started = performance.now()
    const result = await discoverAssignments(session, {
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      tokens: {get: async () => ({accessToken, expiresAt: Date.now() + 3_600_000}), invalidate: async () => undefined},
      portal: discoveryPortalClient(createClientFactory()),
    })
    const wallMs = performance.now() - started
    const expected = new Set(org.accounts.flatMap((a) => org.assignments[a.accountId].map((r) => `${a.accountId}/${r}`)))
    const found = new Set(result.accounts.flatMap((a) => a.roles.map((r) => `${a.accountId}/${r}`)))
    const missing = [...expected].filter((p) => !found.has(p)).length
    const extra = [...found].filter((p) => !expected.has(p)).length
    const boundMs = (accounts / ratePerSecond) * 1000
    const rows = [
      ['organization', `${accounts} accounts × ${roles} roles = ${expected.size} pairs`],
      ['portal', `${latencyMs} ms latency, ListAccountRoles ≤ ${ratePerSecond} req/s (429 beyond)`],
      ['wall time', `${(wallMs / 1000).toFixed(1)} s`],
      ['bound (accounts / rate)', `${(boundMs / 1000).toFixed(1)} s`],
      ['ratio to the bound', `${(wallMs / boundMs).toFixed(3)} (goal ≤ 1.2: ${wallMs / boundMs <= 1.2 ? 'met' : 'NOT met'})`],
      ['pairs found / failed', `${found.size} / ${missing + extra}`],
      ['ListAccountRoles calls (throttled)', `${emulator.count('ListAccountRoles')} (${emulator.count('Throttled', 'ListAccountRoles')})`],
      ['ListAccounts calls', String(emulator.count('ListAccounts'))],
      ['final rate / concurrency', `${result.stats.limiter.rate.toFixed(1)} req/s / ${result.stats.limiter.concurrency}`],
    ]
    const width = Math.max(...rows.map((r) => r[0].length))
    process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`)
    if (missing + extra > 0) process.exitCode = 1
  } finally {
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SSO
    else process.env.AWS_ENDPOINT_URL_SSO = previousEndpoint
    await emulator.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
