// `npm run emulator -- [--port N] [--accounts N [--roles-per-account N]] [--latency-ms N]`
// Starts the emulator standalone. The first stdout line is KEYLESS_EMULATOR_URL=…, then the
// export lines a user can paste; it runs until SIGINT/SIGTERM.
import {realpathSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {startEmulator} from './emulator.js'
import {generatedOrganization, landingZone} from './organization.js'

const OPERATIONS = [
  'RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'Authorize', 'DeviceApproval',
  'ListAccounts', 'ListAccountRoles', 'GetRoleCredentials', 'Logout', 'AssumeRole', 'GetCallerIdentity', 'GetSigninToken',
  'GetSessionToken', 'GetAccessKeyInfo', 'GetUser', 'ListAccessKeys', 'GetAccessKeyLastUsed', 'UpdateAccessKey', 'CreateAccessKey', 'DeleteAccessKey',
]

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n`)
  process.exit(2)
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got '${value}'`)
  return n
}

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        port: {type: 'string'},
        accounts: {type: 'string'},
        'roles-per-account': {type: 'string'},
        'latency-ms': {type: 'string'},
        help: {type: 'boolean', short: 'h'},
      },
    }).values
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (parsed.help) {
    process.stdout.write('usage: npm run emulator -- [--port N] [--accounts N [--roles-per-account N]] [--latency-ms N]\n')
    process.exit(0)
  }
  const port = integer('port', parsed.port, 0)
  const accounts = parsed.accounts === undefined ? undefined : integer('accounts', parsed.accounts, 0)
  const org = accounts === undefined ? landingZone() : generatedOrganization(accounts, integer('roles-per-account', parsed['roles-per-account'], 3))
  const latencyMs = integer('latency-ms', parsed['latency-ms'], 0)

  const emulator = await startEmulator({port, org}).catch((error: unknown) => fail(`cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`))
  if (latencyMs > 0) for (const op of OPERATIONS) emulator.setFault(op, {latencyMs})

  const lines = [
    `KEYLESS_EMULATOR_URL=${emulator.url}`,
    ...Object.entries(emulator.env).map(([k, v]) => `export ${k}=${v}`),
    `# start URL: ${org.startUrl}`,
    `# region:    ${org.region}`,
    `# accounts:  ${org.accounts.length}; console federation endpoint: ${emulator.url}/federation`,
  ]
  process.stdout.write(lines.join('\n') + '\n')
  process.stderr.write('emulator: running; Ctrl-C to stop\n')

  const stop = () => {
    void emulator.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

// Only as the entry point: mocha given the folder loads every .ts file in it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
