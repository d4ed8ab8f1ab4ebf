import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {startTmux} from '../guard/tmux-session.js'
import {KEYLESS_BIN, signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'

const run = promisify(execFile)

/** The same steps in each shell's syntax: switch, switch again (production, --yes), back, back. */
const scripts = {
  posix: (init: string) => `${init}
keyless switch workload-dev.ReadOnlyAccess || exit 11
echo "1|$AWS_PROFILE|$AWS_REGION|$AWS_DEFAULT_REGION|\${KEYLESS_ENVIRONMENT-}"
keyless switch workload-prod.PowerUserAccess --yes || exit 12
echo "2|$AWS_PROFILE|$AWS_REGION|\${KEYLESS_ENVIRONMENT-}|$KEYLESS_PREVIOUS_PROFILE"
keyless switch - || exit 13
echo "3|$AWS_PROFILE|$KEYLESS_PREVIOUS_PROFILE|\${KEYLESS_ENVIRONMENT-}"
keyless switch - --yes || exit 14
echo "4|$AWS_PROFILE"
keyless switch workload-prod.PowerUserAccess && exit 15
echo "5|$AWS_PROFILE|$?"
/usr/bin/aws sts get-caller-identity --endpoint-url "$EMULATOR" --query Arn --output text || exit 16
keyless shell-init bash >/dev/null || exit 17
`,
  fish: (init: string) => `${init}
keyless switch workload-dev.ReadOnlyAccess; or exit 11
echo "1|$AWS_PROFILE|$AWS_REGION|$AWS_DEFAULT_REGION|$KEYLESS_ENVIRONMENT"
keyless switch workload-prod.PowerUserAccess --yes; or exit 12
echo "2|$AWS_PROFILE|$AWS_REGION|$KEYLESS_ENVIRONMENT|$KEYLESS_PREVIOUS_PROFILE"
keyless switch -; or exit 13
echo "3|$AWS_PROFILE|$KEYLESS_PREVIOUS_PROFILE|$KEYLESS_ENVIRONMENT"
keyless switch - --yes; or exit 14
echo "4|$AWS_PROFILE"
keyless switch workload-prod.PowerUserAccess; and exit 15
echo "5|$AWS_PROFILE|$status"
/usr/bin/aws sts get-caller-identity --endpoint-url "$EMULATOR" --query Arn --output text; or exit 16
keyless shell-init bash >/dev/null; or exit 17
`,
}

const shells = [
  {name: 'bash', argv: ['bash', '--norc', '--noprofile', '-c'], script: scripts.posix(`eval "$(${KEYLESS_BIN} shell-init bash)"`)},
  {name: 'zsh', argv: ['zsh', '-f', '-c'], script: scripts.posix(`eval "$(${KEYLESS_BIN} shell-init zsh)"`)},
  {name: 'fish', argv: ['fish', '--no-config', '-c'], script: scripts.fish(`${KEYLESS_BIN} shell-init fish | source`)},
]

describe('keyless shell-init: the switch function in real shells', function () {
  this.timeout(180_000)
  let t: SignedIn
  before(async () => {
    t = await signedInSandbox({sync: true})
  })
  after(async () => t?.cleanup())

  for (const shell of shells) {
    it(`${shell.name}: switch sets AWS_PROFILE and the region in the calling shell; switch - goes back`, async () => {
      const [command, ...args] = shell.argv
      // Async: the emulator answers from this process.
      const {stdout, stderr} = await run(command, [...args, shell.script], {
        cwd: t.sb.home,
        env: {...t.sb.env, ...t.env, EMULATOR: t.emulator.url, AWS_PROFILE: undefined} as NodeJS.ProcessEnv,
        timeout: 120_000,
      }).catch((error: {code?: number; stdout?: string; stderr?: string}) => {
        throw new Error(`${shell.name} exited ${error.code}: ${error.stdout}\n${error.stderr}`)
      })
      const lines = stdout.trim().split('\n')
      expect(lines[0]).to.equal('1|workload-dev.ReadOnlyAccess|eu-west-1|eu-west-1|')
      expect(lines[1]).to.equal('2|workload-prod.PowerUserAccess|eu-west-1|prod|workload-dev.ReadOnlyAccess')
      expect(lines[2]).to.equal('3|workload-dev.ReadOnlyAccess|workload-prod.PowerUserAccess|')
      expect(lines[3]).to.equal('4|workload-prod.PowerUserAccess')
      // Production without a terminal and without --yes: refused (exit 2), nothing changed.
      expect(lines[4]).to.equal('5|workload-prod.PowerUserAccess|2')
      // The AWS CLI in that shell uses the profile (credential_process through keyless).
      expect(lines[5]).to.match(/^arn:aws:sts::173205080756:assumed-role\/AWSReservedSSO_PowerUserAccess/)
      expect(stderr).to.include('Switched to workload-dev.ReadOnlyAccess')
      expect(stderr).to.include('going ahead (--yes)')
      expect(stderr).to.match(/guarded .*no terminal to confirm on/)
    })
  }

  it('prints nothing else on stdout, and the exported values are quoted (a hostile previous profile is refused)', async () => {
    const init = await t.sb.run(['shell-init', 'zsh'], {env: t.env})
    expect(init.code).to.equal(0)
    expect(init.stdout).to.match(/^# keyless shell integration \(zsh\)/)
    expect(init.stdout).to.include('keyless_prompt()')
    const hostile = `x'; touch ${t.sb.home}/pwned; '`
    const script = `eval "$(${KEYLESS_BIN} shell-init bash)"\nexport KEYLESS_PREVIOUS_PROFILE="${hostile.replaceAll('"', '\\"')}"\nkeyless switch -\necho "rc=$? profile=\${AWS_PROFILE-unset}"\n[ -e ${t.sb.home}/pwned ] && echo PWNED\ntrue\n`
    const {stdout, stderr} = await run('bash', ['--norc', '-c', script], {cwd: t.sb.home, env: {...t.sb.env, ...t.env}, timeout: 60_000})
    expect(stdout.trim()).to.equal('rc=2 profile=unset')
    expect(stderr).to.include('has characters switch will not put into your shell')
  })

  it('completes profile names after exec/console/switch and --profile (bash, fish), subcommands otherwise', async () => {
    const bash = `eval "$(${KEYLESS_BIN} shell-init bash)"
complete_at() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _keyless_complete; printf '%s,' "\${COMPREPLY[@]}"; echo; }
complete_at keyless exec workload-d
complete_at keyless credential-process --profile log
complete_at keyless sy
complete -p keyless
`
    const b = await run('bash', ['--norc', '-c', bash], {cwd: t.sb.home, env: {...t.sb.env, ...t.env}, timeout: 60_000})
    const [exec, profile, sub, registered] = b.stdout.trim().split('\n')
    expect(exec).to.equal('workload-dev.AdministratorAccess,workload-dev.PowerUserAccess,workload-dev.ReadOnlyAccess,')
    expect(profile).to.equal('log-archive.ReadOnlyAccess,')
    expect(sub).to.equal('sync,')
    expect(registered).to.equal('complete -o default -F _keyless_complete keyless')

    const fish = `${KEYLESS_BIN} shell-init fish | source
complete -C 'keyless console workload-t'
echo ---
complete -C 'keyless exec --profile sec'
echo ---
complete -C 'keyless shell-'
`
    const f = await run('fish', ['--no-config', '-c', fish], {cwd: t.sb.home, env: {...t.sb.env, ...t.env}, timeout: 60_000})
    const [console, execProfile, shellInit] = f.stdout.trim().split('---\n').map((block) => block.trim().split('\n').map((l) => l.split('\t')[0]))
    expect(console).to.deep.equal(['workload-test.PowerUserAccess', 'workload-test.ReadOnlyAccess'])
    expect(execProfile).to.deep.equal(['security.AdministratorAccess', 'security.ReadOnlyAccess'])
    expect(shellInit).to.deep.equal(['shell-init'])
  })

  it('completes profile names in zsh (compdef, typed in a real terminal), subcommands and the oclif function otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyless-tmux-'))
    const env: NodeJS.ProcessEnv = {...t.sb.env, ...t.env, TERM: 'xterm-256color', HISTFILE: '/dev/null'}
    const term = startTmux(dir, 'zsh -f', env)
    try {
      // Before compinit the script registers nothing (and does not fail); after it, _keyless_complete.
      term.send(`eval "$(${KEYLESS_BIN} shell-init zsh)"; echo "before=$? \${_comps[keyless]-none}"`, 'Enter')
      await term.waitFor(/^before=0 none$/m)
      term.send(`clear; PS1='> '; autoload -Uz compinit && compinit -u -D && eval "$(${KEYLESS_BIN} shell-init zsh)"; echo "comp=\${_comps[keyless]}"`, 'Enter')
      await term.waitFor(/^comp=_keyless_complete$/m)
      term.send('clear', 'Enter')
      term.send('keyless exec workload-d', 'Tab')
      await term.waitFor(/^> keyless exec workload-dev\.$/m)
      term.send('Tab')
      const listed = await term.waitFor(/workload-dev\.ReadOnlyAccess/)
      expect(listed).to.match(/workload-dev\.AdministratorAccess\s+workload-dev\.PowerUserAccess\s+workload-dev\.ReadOnlyAccess/)
      expect(listed).not.to.include('workload-test')
      term.send('C-u', 'C-l')
      term.send('keyless credential-process --profile log', 'Tab')
      await term.waitFor(/^> keyless credential-process --profile log-archive\.ReadOnlyAccess $/m)
      term.send('C-u', 'C-l')
      term.send('keyless sy', 'Tab')
      await term.waitFor(/^> keyless sync $/m)
      // With oclif's completion function loaded, everything but profile names goes to it.
      term.send('C-u', 'C-l')
      term.send('_keyless() { compadd from-oclif }', 'Enter')
      term.send('clear', 'Enter')
      term.send('keyless login ', 'Tab')
      await term.waitFor(/^> keyless login from-oclif $/m)
      term.send('C-u', 'C-l')
      term.send('keyless switch workload-t', 'Tab', 'Tab')
      await term.waitFor(/workload-test\.PowerUserAccess\s+workload-test\.ReadOnlyAccess/)
    } finally {
      term.close()
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('rejects an unknown shell (exit 2)', async () => {
    const r = await t.sb.run(['shell-init', 'tcsh'], {env: t.env})
    expect(r.code).to.equal(2)
    expect(r.stdout).to.equal('')
  })
})
