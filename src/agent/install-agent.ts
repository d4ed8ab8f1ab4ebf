import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeFileAtomic} from '../util/write-file-atomic.js'
import {UsageError} from '../errors.js'

export interface InstallAgentInput {
  platform: 'linux' | 'darwin'
  /** How to run keyless: node and its entry script. */
  node: string
  script: string
  /** Print the file instead of writing it. */
  print: boolean
  /** Replace a file of the same name that keyless did not write. */
  force: boolean
}

export interface InstallAgentResult {
  file: string
  text: string
  written: boolean
  /** What to run next to start it now and at every login. */
  next: string[]
}

const marker = 'Written by `keyless agent install`'
/** Variables the agent needs to see the same config and store as the shell (never a secret). */
const carried = [
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SSO',
  'AWS_ENDPOINT_URL_SSO_OIDC',
  'AWS_ENDPOINT_URL_STS',
  'KEYLESS_STORE',
  'KEYLESS_KEYCHAIN_SERVICE',
  'KEYLESS_NO_LOGIN',
  'BROWSER',
  'PATH',
]

/**
 * `keyless agent install`: a systemd user unit (Linux) or a LaunchAgent (macOS) that runs
 * `keyless agent run` at login and restarts it when it fails. Writes only its own file (atomically);
 * a different file of that name is left alone unless --force.
 */
export async function installAgent(input: InstallAgentInput, deps: {env: NodeJS.ProcessEnv; home: string}): Promise<InstallAgentResult> {
  const env = carried.filter((name) => deps.env[name]).map((name) => [name, deps.env[name] as string] as const)
  const args = [input.node, input.script, 'agent', 'run']
  const linux = input.platform === 'linux'
  const file = linux
    ? join(deps.env.XDG_CONFIG_HOME?.startsWith('/') ? deps.env.XDG_CONFIG_HOME : join(deps.home, '.config'), 'systemd', 'user', 'keyless-agent.service')
    : join(deps.home, 'Library', 'LaunchAgents', 'dev.keyless.agent.plist')
  const text = linux ? systemdUnit(args, env) : launchAgent(args, env)
  const next = linux
    ? ['systemctl --user daemon-reload', 'systemctl --user enable --now keyless-agent.service']
    : [`launchctl bootstrap gui/$(id -u) ${file}`]
  if (input.print) return {file, text, written: false, next}
  const existing = await readFile(file, 'utf8').catch(() => undefined)
  if (existing !== undefined && !existing.includes(marker) && !input.force) {
    throw new UsageError(`${file} exists and keyless did not write it; left as it is.`, 'Pass --force to replace it, or --print to see what keyless would write.')
  }
  await writeFileAtomic(file, text, {mode: 0o644})
  return {file, text, written: true, next}
}

function systemdQuote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%').replaceAll('$', '$$')}"`
}

function systemdUnit(args: string[], env: ReadonlyArray<readonly [string, string]>): string {
  return [
    `# ${marker}: the keyless credential agent for this user.`,
    '[Unit]',
    'Description=keyless agent: AWS credentials for every tool, on 127.0.0.1',
    '',
    '[Service]',
    `ExecStart=${args.map(systemdQuote).join(' ')}`,
    ...env.map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`)}`),
    'Restart=on-failure',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

function xml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function launchAgent(args: string[], env: ReadonlyArray<readonly [string, string]>): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${marker}: the keyless credential agent for this user. -->`,
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key><string>dev.keyless.agent</string>',
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((a) => `    <string>${xml(a)}</string>`),
    '  </array>',
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    '  <key>ProcessType</key><string>Background</string>',
    ...(env.length > 0
      ? ['  <key>EnvironmentVariables</key>', '  <dict>', ...env.map(([name, value]) => `    <key>${xml(name)}</key><string>${xml(value)}</string>`), '  </dict>']
      : []),
    '</dict>',
    '</plist>',
    '',
  ].join('\n')
}
