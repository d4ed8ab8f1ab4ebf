import {execFile} from 'node:child_process'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {shellNoOp} from '../../src/audit/plan-fix.js'
import {grepTree} from '../helpers/grep-tree.js'
import {createSandbox, type Sandbox} from '../helpers/sandbox.js'
import {fakeKey} from './audit-fixtures.js'

const run = promisify(execFile)

/** Exit code and output of a shell command (never throws). */
async function sh(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{code: number; out: string}> {
  try {
    const r = await run(file, args, {env, timeout: 30_000})
    return {code: 0, out: r.stdout + r.stderr}
  } catch (error) {
    const e = error as {code?: number; stdout?: string; stderr?: string}
    return {code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`}
  }
}

describe('keyless audit --fix keeps shell start-up files valid (hardening #14 item 2; real bash, zsh, fish)', function () {
  this.timeout(120_000)
  let sb: Sandbox
  afterEach(async () => sb?.cleanup())

  it('leaves `:` where a body would be empty (if, function, case, loop), nothing at top level; bash/zsh/fish -n pass and the files source; --restore is byte for byte', async () => {
    sb = await createSandbox({emulator: false, store: 'file'})
    const k = Array.from({length: 8}, () => fakeKey())
    const bashrc = [
      '# keys inside blocks',
      'if [ -n "$NEVER_SET_KEYLESS" ]; then',
      `  export AWS_ACCESS_KEY_ID=${k[0].accessKeyId}`,
      `  export AWS_SECRET_ACCESS_KEY=${k[0].secretAccessKey}`,
      'fi',
      'aws_on() {',
      `  export AWS_ACCESS_KEY_ID=${k[1].accessKeyId}`,
      '}',
      'case "$TERM" in',
      '  xterm*)',
      `    export AWS_SECRET_ACCESS_KEY=${k[1].secretAccessKey}`,
      '    ;;',
      'esac',
      'for i in 1; do',
      `export AWS_ACCESS_KEY_ID=${k[2].accessKeyId}`,
      'done',
      'while false; do',
      `AWS_SECRET_ACCESS_KEY='${k[2].secretAccessKey}'`,
      'done',
      'export KEYLESS_TEST_KEPT=yes',
      '',
    ].join('\n')
    const zshrc = [
      'if [[ -n "$NEVER_SET_KEYLESS" ]]; then',
      `  export AWS_ACCESS_KEY_ID=${k[3].accessKeyId} AWS_SECRET_ACCESS_KEY=${k[3].secretAccessKey}`,
      'fi',
      'function aws_on {',
      `  typeset -x AWS_ACCESS_KEY_ID=${k[4].accessKeyId}`,
      `  typeset -x AWS_SECRET_ACCESS_KEY=${k[4].secretAccessKey}`,
      '}',
      'export KEYLESS_TEST_KEPT=yes',
      '',
    ].join('\n')
    const fish = [
      'if set -q NEVER_SET_KEYLESS',
      `    set -gx AWS_ACCESS_KEY_ID ${k[5].accessKeyId}`,
      `    set -gx AWS_SECRET_ACCESS_KEY ${k[5].secretAccessKey}`,
      'end',
      'function aws_on',
      `    set -gx AWS_ACCESS_KEY_ID ${k[6].accessKeyId}`,
      `    set -gx AWS_SECRET_ACCESS_KEY ${k[6].secretAccessKey}`,
      'end',
      'set -gx KEYLESS_TEST_KEPT yes',
      '',
    ].join('\n')
    const profile = [`export AWS_ACCESS_KEY_ID=${k[7].accessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${k[7].secretAccessKey}`, 'export KEYLESS_TEST_KEPT=yes', ''].join('\n')
    const files = {
      bash: join(sb.home, '.bashrc'),
      zsh: join(sb.home, '.zshrc'),
      fish: join(sb.home, '.config', 'fish', 'config.fish'),
      profile: join(sb.home, '.profile'),
    }
    await mkdir(join(sb.home, '.config', 'fish'), {recursive: true})
    await writeFile(files.bash, bashrc)
    await writeFile(files.zsh, zshrc)
    await writeFile(files.fish, fish)
    await writeFile(files.profile, profile)
    const env = {...sb.env, HOME: sb.home}
    // The fixtures are valid to start with.
    expect((await sh('/bin/bash', ['-n', files.bash], env)).code).to.equal(0)

    const fix = await sb.run(['audit', '--fix', '--yes'])
    expect(fix.code, fix.stderr).to.equal(0)
    const secrets = k.flatMap((x) => [x.accessKeyId, x.secretAccessKey])
    expect(grepTree(sb.home, secrets)).to.deep.equal([])

    const fixedBash = await readFile(files.bash, 'utf8')
    expect(fixedBash.split('\n').filter((l) => l.trim() === shellNoOp)).to.have.length(5)
    expect(fixedBash).to.include(`if [ -n "$NEVER_SET_KEYLESS" ]; then\n  ${shellNoOp}\nfi\n`)
    expect(await readFile(files.profile, 'utf8')).to.equal('export KEYLESS_TEST_KEPT=yes\n') // top level: removed, no no-op
    expect(await readFile(files.fish, 'utf8')).to.not.include(':') // fish takes empty blocks

    for (const [shell, file] of [['/bin/bash', files.bash], ['/usr/bin/zsh', files.zsh], ['/usr/bin/fish', files.fish], ['/bin/sh', files.profile], ['/usr/bin/zsh', files.bash]] as const) {
      const check = await sh(shell, ['-n', file], env)
      expect(check.code, `${shell} -n ${file}: ${check.out}`).to.equal(0)
    }
    // Sourced by the real shells: every line runs (the kept export after the blocks), no key is set.
    const probe = 'echo "kept=$KEYLESS_TEST_KEPT key=${AWS_ACCESS_KEY_ID:-none}"'
    const bash = await sh('/bin/bash', ['--norc', '-c', `set -e; . ${files.bash}; aws_on; ${probe}`], env)
    expect(bash.out.trim(), bash.out).to.equal('kept=yes key=none')
    const zsh = await sh('/usr/bin/zsh', ['-f', '-c', `set -e; source ${files.zsh}; aws_on; ${probe}`], env)
    expect(zsh.out.trim(), zsh.out).to.equal('kept=yes key=none')
    const fishRun = await sh('/usr/bin/fish', ['--no-config', '-c', `source ${files.fish}; and aws_on; and echo "kept=$KEYLESS_TEST_KEPT key="(set -q AWS_ACCESS_KEY_ID; and echo set; or echo none)`], env)
    expect(fishRun.out.trim(), fishRun.out).to.equal('kept=yes key=none')

    const restore = await sb.run(['audit', '--restore'])
    expect(restore.code, restore.stderr).to.equal(0)
    expect(await readFile(files.bash, 'utf8')).to.equal(bashrc)
    expect(await readFile(files.zsh, 'utf8')).to.equal(zshrc)
    expect(await readFile(files.fish, 'utf8')).to.equal(fish)
    expect(await readFile(files.profile, 'utf8')).to.equal(profile)
  })
})
