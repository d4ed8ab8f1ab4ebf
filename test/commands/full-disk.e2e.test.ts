import {expect} from 'chai'
import {spawn, spawnSync} from 'node:child_process'
import {mkdir, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CLI_ENTRY} from '../helpers/sandbox.js'
import {LANDING_ZONE_ACCOUNT_IDS} from '../emulator/organization.js'
import {signedInSandbox, type SignedIn} from '../switch/signed-in-sandbox.js'
import {fakeKey} from './audit-fixtures.js'

// Hardening #14, "what held up": a full disk and a read-only file system are refused with one line
// and the user's files intact. ~/.aws is a real tmpfs, filled up or remounted read-only, inside a
// private user + mount namespace (`unshare -rm`), so nothing outside this test sees the mount.

const canUnshare = spawnSync('unshare', ['-rm', 'sh', '-c', `d=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs "$d" && umount "$d" && rmdir "$d"`], {stdio: 'ignore'}).status === 0

/** Mounts a 16 KiB tmpfs on $HOME/.aws, copies the seed in, fills it up or makes it read-only, runs the CLI, copies .aws out. */
const SCRIPT = `
seed="$1"; out="$2"; how="$3"; shift 3
mount -t tmpfs -o size=16k,mode=0700 tmpfs "$HOME/.aws" || exit 90
cp -a "$seed/." "$HOME/.aws/" || exit 91
if [ "$how" = full ]; then
  dd if=/dev/zero of="$HOME/.aws/filler" bs=1k count=64 2>/dev/null
  [ "$(df -P "$HOME/.aws" | awk 'NR==2 {print $4}')" = 0 ] || exit 92
else
  mount -o remount,ro "$HOME/.aws" || exit 93
  touch "$HOME/.aws/probe" 2>/dev/null && exit 94
fi
"$NODE" "$CLI" "$@" >"$out/stdout" 2>"$out/stderr"
echo $? >"$out/code"
mkdir "$out/aws" && cp -a "$HOME/.aws/." "$out/aws/" && rm -f "$out/aws/filler"
`

interface Outcome {
  code: number
  stdout: string
  stderr: string
  /** The files left in ~/.aws (the filler excepted), name -> text. */
  files: Record<string, string>
}

describe('a full disk and a read-only file system: refused, one line, files intact (built CLI, tmpfs in a private mount namespace)', function () {
  this.timeout(120_000)
  let t: SignedIn
  let seed: string
  let scratch: string
  const key = fakeKey()
  const files: Record<string, string> = {}

  before(async function () {
    if (!canUnshare) {
      // Said plainly: this machine cannot make a private tmpfs (no user/mount namespaces).
      console.log('    skipped: `unshare -rm` with a tmpfs mount is not available here')
      this.skip()
    }
    t = await signedInSandbox()
    const session = await readFile(t.sb.configFile, 'utf8')
    // CRLF, a BOM-less hand-written section and a keyless profile to replace the key with.
    files.config =
      `${session}\r\n# mine\r\n[profile hand]\r\nregion = us-west-2\r\n\r\n` +
      `[profile dev]\nkeyless_session = corp\nkeyless_account_id = ${LANDING_ZONE_ACCOUNT_IDS['workload-dev']}\nkeyless_role_name = ReadOnlyAccess\n` +
      'credential_process = keyless credential-process --profile dev\n\n[profile legacy]\nregion = eu-west-1\n'
    files.credentials = `[legacy]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`
    scratch = await mkdtemp(join(tmpdir(), 'keyless-full-disk-'))
    seed = join(scratch, 'seed')
    await mkdir(seed)
    for (const [name, text] of Object.entries(files)) await writeFile(join(seed, name), text, {mode: 0o600})
  })
  after(async () => {
    await t?.cleanup()
    if (scratch) await rm(scratch, {recursive: true, force: true})
  })

  let n = 0
  async function runIn(how: 'full' | 'read-only', args: string[]): Promise<Outcome> {
    const out = join(scratch, `out-${n++}`)
    await mkdir(out)
    const env = {...t.sb.env, ...t.env, NODE: process.execPath, CLI: CLI_ENTRY}
    const child = spawn('unshare', ['-rm', 'sh', '-c', SCRIPT, 'sh', seed, out, how, ...args], {env, cwd: t.sb.home, stdio: 'inherit'})
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code, `setting up the ${how} tmpfs`).to.equal(0)
    const left: Record<string, string> = {}
    for (const name of await readdir(join(out, 'aws'))) left[name] = await readFile(join(out, 'aws', name), 'utf8')
    return {
      code: Number((await readFile(join(out, 'code'), 'utf8')).trim()),
      stdout: await readFile(join(out, 'stdout'), 'utf8'),
      stderr: await readFile(join(out, 'stderr'), 'utf8'),
      files: left,
    }
  }

  const commands: Array<[string, string[]]> = [
    ['configure', ['configure', '--session', 'new', '--start-url', 'https://new.awsapps.com/start', '--region', 'eu-west-1']],
    ['sync', ['sync', '--session', 'corp']],
    ['audit --fix', ['audit', '--fix', '--yes', '--profile', 'legacy', '--replace-with', 'dev']],
  ]
  const reasons = {full: /no space left on the device \(ENOSPC\); the file was left as it was\. Free some space/, 'read-only': /the file system is read-only \(EROFS\); the file was left as it was\. Remount it read-write/}

  for (const how of ['full', 'read-only'] as const) {
    for (const [name, args] of commands) {
      it(`${name} on a ${how} ~/.aws: exit 1, one line naming the cause, every file byte for byte as it was, nothing beside them`, async () => {
        const r = await runIn(how, args)
        expect(r.code, r.stderr).to.equal(1)
        expect(r.stdout).to.equal('')
        expect(r.stderr.split('\n').filter(Boolean), r.stderr).to.have.length(1)
        expect(r.stderr).to.match(/^keyless: Cannot write \S+\/\.aws\/(config|credentials): /)
        expect(r.stderr).to.match(reasons[how])
        expect(r.files).to.deep.equal(files)
      })
    }
  }

  it('(control) with room to write, the same commands change the files, so the checks above can fail', async () => {
    const out = join(scratch, 'roomy')
    await mkdir(out)
    const env = {...t.sb.env, ...t.env, NODE: process.execPath, CLI: CLI_ENTRY}
    // The same script with the filler and remount skipped.
    const roomy = SCRIPT.replace('if [ "$how" = full ]; then', 'if false; then').replace('  mount -o remount,ro "$HOME/.aws" || exit 93\n  touch "$HOME/.aws/probe" 2>/dev/null && exit 94\n', '  :\n')
    const child = spawn('unshare', ['-rm', 'sh', '-c', roomy, 'sh', seed, out, 'roomy', ...commands[0][1]], {env, cwd: t.sb.home, stdio: 'inherit'})
    expect(await new Promise((resolve) => child.once('exit', resolve))).to.equal(0)
    expect((await readFile(join(out, 'code'), 'utf8')).trim()).to.equal('0')
    expect(await readFile(join(out, 'aws', 'config'), 'utf8')).to.include('[sso-session new]')
  })
})
