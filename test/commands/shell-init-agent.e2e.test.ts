import {execFile} from 'node:child_process'
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {processAlive} from '../../src/util/process-alive.js'
import {KEYLESS_BIN, signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

const run = promisify(execFile)

/** switch (agent mode) → the AWS CLI through the agent → production (--yes) → back; the same in each shell. */
const scripts = {
  posix: (init: string) => `${init}
keyless switch workload-dev.ReadOnlyAccess || exit 11
echo "1|\${AWS_PROFILE-unset}|$KEYLESS_PROFILE|$AWS_REGION|$AWS_DEFAULT_REGION|\${KEYLESS_ENVIRONMENT-}|\${AWS_CONTAINER_CREDENTIALS_FULL_URI##*/}"
echo "P|$(keyless_prompt)"
/usr/bin/aws sts get-caller-identity --endpoint-url "$EMULATOR" --query Arn --output text || exit 12
keyless switch workload-prod.PowerUserAccess --yes || exit 13
echo "2|$KEYLESS_PROFILE|\${KEYLESS_ENVIRONMENT-}|$KEYLESS_PREVIOUS_PROFILE|\${AWS_CONTAINER_CREDENTIALS_FULL_URI##*/}"
echo "P|$(keyless_prompt)"
/usr/bin/aws sts get-caller-identity --endpoint-url "$EMULATOR" --query Arn --output text || exit 14
keyless switch - || exit 15
echo "3|$KEYLESS_PROFILE|$KEYLESS_PREVIOUS_PROFILE|\${KEYLESS_ENVIRONMENT-}|\${AWS_PROFILE-unset}"
keyless exec workload-dev.ReadOnlyAccess -- sh -c 'echo "4|$KEYLESS_PROFILE|\${AWS_CONTAINER_CREDENTIALS_FULL_URI-none}"' || exit 16
`,
  fish: (init: string) => `${init}
keyless switch workload-dev.ReadOnlyAccess; or exit 11
set -q AWS_PROFILE; and set p set; or set p unset
echo "1|$p|$KEYLESS_PROFILE|$AWS_REGION|$AWS_DEFAULT_REGION|$KEYLESS_ENVIRONMENT|"(string replace -r '.*/' '' -- $AWS_CONTAINER_CREDENTIALS_FULL_URI)
echo "P|"(keyless_prompt)
/usr/bin/aws sts get-caller-identity --endpoint-url "$EMULATOR" --query Arn --output text; or exit 12
keyless switch workload-prod.PowerUserAccess --yes; or exit 13
echo "2|$KEYLESS_PROFILE|$KEYLESS_ENVIRONMENT|$KEYLESS_PREVIOUS_PROFILE|"(string replace -r '.*/' '' -- $AWS_CONTAINER_CREDENTIALS_FULL_URI)
echo "P|"(keyless_prompt)
/usr/bin/aws sts get-caller-identity --endpoint-url "$EMULATOR" --query Arn --output text; or exit 14
keyless switch -; or exit 15
set -q AWS_PROFILE; and set p set; or set p unset
echo "3|$KEYLESS_PROFILE|$KEYLESS_PREVIOUS_PROFILE|$KEYLESS_ENVIRONMENT|$p"
keyless exec workload-dev.ReadOnlyAccess -- sh -c 'echo "4|$KEYLESS_PROFILE|\${AWS_CONTAINER_CREDENTIALS_FULL_URI-none}"'; or exit 16
`,
}

const shells = [
  {name: 'bash', argv: ['bash', '--norc', '--noprofile', '-c'], script: scripts.posix(`eval "$(${KEYLESS_BIN} shell-init bash --agent)"`)},
  {name: 'zsh', argv: ['zsh', '-f', '-c'], script: scripts.posix(`eval "$(KEYLESS_AGENT=1 ${KEYLESS_BIN} shell-init zsh)"`)},
  {name: 'fish', argv: ['fish', '--no-config', '-c'], script: scripts.fish(`${KEYLESS_BIN} shell-init fish --agent | source`)},
]

describe('keyless shell-init --agent: switch points real shells at the agent', function () {
  this.timeout(240_000)
  let t: SignedIn
  let env: NodeJS.ProcessEnv

  before(async () => {
    t = await signedInSandbox({sync: true})
    const runtime = join(t.sb.home, 'run')
    await mkdir(runtime, {mode: 0o700})
    env = {...t.sb.env, ...t.env, XDG_RUNTIME_DIR: runtime, EMULATOR: t.emulator.url, AWS_PROFILE: 'leftover-profile'}
  })
  after(async () => {
    if (!t) return
    await t.sb.run(['agent', 'stop'], {env})
    const state = await readFile(join(env.XDG_RUNTIME_DIR!, 'keyless', 'agent.json'), 'utf8').then((text) => JSON.parse(text) as {pid?: number}, () => ({pid: undefined}))
    if (state.pid && processAlive(state.pid)) process.kill(state.pid, 'SIGKILL')
    await t.cleanup()
  })

  for (const shell of shells) {
    it(`${shell.name}: switch sets the agent's endpoint and KEYLESS_PROFILE, unsets AWS_PROFILE; the prompt, production and switch - work`, async () => {
      const [command, ...args] = shell.argv
      const {stdout, stderr} = await run(command, [...args, shell.script], {cwd: t.sb.home, env, timeout: 180_000}).catch(
        (error: {code?: number; stdout?: string; stderr?: string}) => {
          throw new Error(`${shell.name} exited ${error.code}: ${error.stdout}\n${error.stderr}`)
        },
      )
      const lines = stdout.trim().split('\n')
      expect(lines[0]).to.equal('1|unset|workload-dev.ReadOnlyAccess|eu-west-1|eu-west-1||workload-dev.ReadOnlyAccess')
      expect(lines[1]).to.equal('P|(workload-dev.ReadOnlyAccess) ')
      expect(lines[2]).to.match(/^arn:aws:sts::\d{12}:assumed-role\/AWSReservedSSO_ReadOnlyAccess[_/]/)
      expect(lines[3]).to.equal('2|workload-prod.PowerUserAccess|prod|workload-dev.ReadOnlyAccess|workload-prod.PowerUserAccess')
      expect(lines[4]).to.equal('P|[workload-prod.PowerUserAccess !! PROD !!] ')
      // The guarded profile works in this shell: switch's confirmation handed out its grant token.
      expect(lines[5]).to.match(/^arn:aws:sts::173205080756:assumed-role\/AWSReservedSSO_PowerUserAccess[_/]/)
      expect(lines[6]).to.equal('3|workload-dev.ReadOnlyAccess|workload-prod.PowerUserAccess||unset')
      // exec works inside such a shell (it is not a nested exec), with its own keys.
      expect(lines[7]).to.equal('4|workload-dev.ReadOnlyAccess|none')
      expect(stderr).to.include('Switched to workload-dev.ReadOnlyAccess')
      expect(stderr).to.include('going ahead (--yes)')
    })
  }

  it('a script in a dev shell cannot reach production through the agent by changing the URL', async () => {
    const script = `eval "$(${KEYLESS_BIN} shell-init bash --agent)"
keyless switch workload-dev.ReadOnlyAccess >/dev/null 2>&1 || exit 11
curl -s -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "\${AWS_CONTAINER_CREDENTIALS_FULL_URI%/*}/workload-prod.PowerUserAccess"
`
    const {stdout} = await run('bash', ['--norc', '--noprofile', '-c', script], {cwd: t.sb.home, env, timeout: 120_000})
    const body = JSON.parse(stdout) as {code: string; message: string; AccessKeyId?: string}
    expect(body.code).to.equal('ConfirmationRequired')
    expect(body.AccessKeyId).to.equal(undefined)
    expect(body.message).to.include('keyless switch workload-prod.PowerUserAccess')
  })
})
