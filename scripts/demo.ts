// `npm run demo`: keyless's main job, end to end, against the local Identity Center + STS
// emulator, in a throwaway home directory. Nothing here reaches AWS: every endpoint is 127.0.0.1.
// Secrets never appear in the output: anything that looks like a key, token or secret is masked.
import {spawn} from 'node:child_process'
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {startEmulator} from '../test/emulator/emulator.js'
import {createSandbox, CLI_ENTRY, type Sandbox} from '../test/helpers/sandbox.js'

const AWS = '/usr/bin/aws'
const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s)
const dim = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[2m${s}\x1b[0m` : s)

/** Masks access key ids, secret keys and session tokens in text meant for people. */
function mask(text: string, secrets: string[]): string {
  let out = text.replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, (id) => `${id.slice(0, 4)}…${id.slice(-4)}`)
  for (const s of secrets) if (s.length > 8) out = out.split(s).join(`****${s.slice(-4)}`)
  return out
}

interface Step {
  title: string
  argv: string[]
  /** Show the command as the user would type it. */
  shown: string
  env?: NodeJS.ProcessEnv
  allowFailure?: boolean
}

async function runStep(sandbox: Sandbox, step: Step, secrets: string[]): Promise<{code: number | null; stdout: string}> {
  process.stdout.write(`\n${bold(`# ${step.title}`)}\n$ ${step.shown}\n`)
  const child = spawn(step.argv[0], step.argv.slice(1), {cwd: sandbox.home, env: {...sandbox.env, ...step.env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (stderr.trim()) process.stdout.write(dim(mask(stderr.trimEnd(), secrets)) + '\n')
  if (stdout.trim()) process.stdout.write(mask(stdout.trimEnd(), secrets) + '\n')
  if (code !== 0 && !step.allowFailure) {
    process.stdout.write(`\ndemo: "${step.shown}" exited ${code}\n`)
    throw new Error('demo step failed')
  }
  if (code !== 0) process.stdout.write(dim(`(exit ${code})`) + '\n')
  return {code, stdout}
}

const emulator = await startEmulator()
const sandbox = await createSandbox({emulator})
const secrets: string[] = []
let failed = false
try {
  // A `keyless` command on PATH, as an installed keyless would be: synced profiles call it.
  const bin = join(sandbox.home, 'bin')
  await writeFile(join(bin, 'keyless'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_ENTRY}" "$@"\n`)
  await chmod(join(bin, 'keyless'), 0o755)
  sandbox.env.PATH = `${bin}:${sandbox.env.PATH}`
  const k = (...args: string[]) => ['keyless', ...args]
  const url = emulator.url
  const startUrl = emulator.org.startUrl
  const region = emulator.org.region

  process.stdout.write(`${bold('keyless demo')} — a local IAM Identity Center + STS emulator at ${url}\n`)
  process.stdout.write(`HOME=${sandbox.home}  store=${sandbox.env.KEYLESS_STORE}\n`)
  process.stdout.write(`The "browser" is a script that follows the sign-in link with curl, so the approval needs no person.\n`)

  const steps: Step[] = [
    {title: 'Add the organization\'s Identity Center as an sso-session', argv: k('configure', '--session', 'acme', '--start-url', startUrl, '--region', region), shown: `keyless configure --session acme --start-url ${startUrl} --region ${region}`},
    {title: 'Sign in once (device code flow; the browser approves)', argv: k('login'), shown: 'keyless login'},
    {title: 'What keyless holds now (no secret is ever shown)', argv: k('status'), shown: 'keyless status'},
    {title: 'Every account and role you may use', argv: k('list'), shown: 'keyless list'},
    {title: 'Write one AWS profile per account/role into ~/.aws/config', argv: k('sync'), shown: 'keyless sync'},
  ]
  for (const step of steps) await runStep(sandbox, step, secrets)

  const config = await readFile(sandbox.configFile, 'utf8')
  process.stdout.write(`\n${bold('# ~/.aws/config now (the managed block, abridged)')}\n`)
  process.stdout.write(config.split('\n').slice(0, 24).join('\n') + '\n…\n')

  const profile = (await runStep(sandbox, {title: 'Find a profile by fuzzy query (the picker without a terminal; scripts use --print)', argv: k('switch', '--print', 'wkld dev admin'), shown: 'keyless switch --print "wkld dev admin"'}, secrets)).stdout.trim()

  const more: Step[] = [
    {title: 'The real AWS CLI, through credential_process (signature verified by the emulator)', argv: [AWS, 'sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', url, '--no-cli-pager'], shown: `aws sts get-caller-identity --profile ${profile} --endpoint-url ${url}`},
    {title: 'Again: served from the keychain cache, no call to the portal', argv: [AWS, 'sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', url, '--no-cli-pager', '--query', 'Arn', '--output', 'text'], shown: `aws sts get-caller-identity --profile ${profile} --query Arn`},
    {title: 'Wrap a command: exec puts temporary credentials in its environment', argv: k('exec', profile, '--', 'sh', '-c', 'echo "KEYLESS_PROFILE=$KEYLESS_PROFILE AWS_REGION=$AWS_REGION key=${AWS_ACCESS_KEY_ID%${AWS_ACCESS_KEY_ID#????}}… expires=$AWS_CREDENTIAL_EXPIRATION"; ' + `${AWS} sts get-caller-identity --endpoint-url ${url} --query Arn --output text`), shown: `keyless exec ${profile} -- sh -c 'echo …; aws sts get-caller-identity'`},
  ]
  for (const step of more) await runStep(sandbox, step, secrets)
  const prod = 'workload-prod.ReadOnlyAccess'
  const later: Step[] = [
    {title: 'A production profile: credential_process never prompts (tools call it)', argv: [AWS, 'sts', 'get-caller-identity', '--profile', prod, '--endpoint-url', url, '--query', 'Arn', '--output', 'text', '--no-cli-pager'], shown: `aws sts get-caller-identity --profile ${prod} --query Arn`},
    {title: 'exec into production without a terminal is refused unless --yes', argv: k('exec', prod, '--', 'true'), shown: `keyless exec ${prod} -- true`, allowFailure: true},
    {title: 'The cached credentials, production marked', argv: k('status'), shown: 'keyless status'},
  ]
  for (const step of later) await runStep(sandbox, step, secrets)
  process.stdout.write(`\n${dim(`portal GetRoleCredentials calls so far: ${emulator.count('GetRoleCredentials')} (one per role; the rest came from the cache)`)}\n`)

  // The agent: one resident process answers every AWS tool from memory, no process per call.
  await runStep(sandbox, {title: 'Start the keyless agent (a resident credential endpoint on 127.0.0.1)', argv: k('agent', 'start'), shown: 'keyless agent start'}, secrets)
  const agentVars = JSON.parse((await sandbox.run(['agent', 'env', profile, '--json'])).stdout) as Record<string, string>
  secrets.push(agentVars.AWS_CONTAINER_AUTHORIZATION_TOKEN)
  const agentSteps: Step[] = [
    {title: 'The variables that point a process at the agent (the token is masked here)', argv: k('agent', 'env', profile), shown: `keyless agent env ${profile}`},
    {title: 'The real AWS CLI gets its credentials from the agent (no credential-process call)', argv: ['sh', '-c', `eval "$(keyless agent env ${profile})" && ${AWS} sts get-caller-identity --endpoint-url ${url} --query Arn --output text --no-cli-pager`], shown: `eval "$(keyless agent env ${profile})"; aws sts get-caller-identity --query Arn`},
    {title: 'A production profile needs the confirmation other commands ask for', argv: k('agent', 'env', prod), shown: `keyless agent env ${prod}`, allowFailure: true},
    {title: 'What the agent holds (never a secret)', argv: k('agent', 'status'), shown: 'keyless agent status'},
    {title: 'Stop it', argv: k('agent', 'stop'), shown: 'keyless agent stop'},
  ]
  for (const step of agentSteps) await runStep(sandbox, step, secrets)

  // Keys off the laptop: plant an old IAM user key, find it, move it into the keychain, and
  // point the old profile name at keyless.
  const oldKey = emulator.createUserAccessKey(emulator.org.accounts[0].accountId, 'legacy-admin')
  secrets.push(oldKey.secretAccessKey)
  await mkdir(join(sandbox.home, '.aws'), {recursive: true})
  await writeFile(sandbox.credentialsFile, `# created by hand in 2019\n[legacy-admin]\naws_access_key_id = ${oldKey.accessKeyId}\naws_secret_access_key = ${oldKey.secretAccessKey}\nregion = ${region}\n`, {mode: 0o600})
  process.stdout.write(`\n${bold('# A long-lived IAM user key is planted in ~/.aws/credentials (profile legacy-admin)')}\n`)
  const audit: Step[] = [
    {title: 'Find long-lived keys on this machine (exit 1: something found)', argv: k('audit'), shown: 'keyless audit', allowFailure: true},
    {title: 'Move the key into the keychain and point the profile at keyless', argv: k('audit', '--fix', '--yes', '--profile', 'legacy-admin', '--replace-with', profile), shown: `keyless audit --fix --yes --profile legacy-admin --replace-with ${profile}`},
    {title: 'Nothing long-lived left', argv: k('audit'), shown: 'keyless audit'},
    {title: 'Scripts that say --profile legacy-admin keep working, with temporary credentials', argv: [AWS, 'sts', 'get-caller-identity', '--profile', 'legacy-admin', '--endpoint-url', url, '--query', 'Arn', '--output', 'text', '--no-cli-pager'], shown: 'aws sts get-caller-identity --profile legacy-admin --query Arn'},
  ]
  for (const step of audit) await runStep(sandbox, step, secrets)
  const left = (await readFile(sandbox.credentialsFile, 'utf8')).includes(oldKey.secretAccessKey)
  process.stdout.write(`\nsecret key still in ~/.aws/credentials: ${left ? 'YES (unexpected)' : 'no'}\n`)
  if (left) failed = true
  process.stdout.write(`\n${bold('demo complete')}\n`)
} catch (error) {
  failed = true
  if (!(error instanceof Error && error.message === 'demo step failed')) throw error
} finally {
  await sandbox.run(['agent', 'stop'])
  await sandbox.cleanup()
  await emulator.close()
}
process.exit(failed ? 1 : 0)
