import {expect} from 'chai'
import {lstatSync, readdirSync} from 'node:fs'
import {rm, writeFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {grepTree, outsideHomeDirs} from '../helpers/grep-tree.js'
import {createSandbox, type RunResult, type Sandbox} from '../helpers/sandbox.js'

// Hardening #14, "what held up": no secret in output, on disk or in `DEBUG=*` across a full walk
// with both stores, and every file keyless creates is 0600 and every directory 0700 — even under
// umask 000, so a file that relies on the umask shows up.

const PROFILE = 'workload-dev.ReadOnlyAccess'

/** Every path under `root` (symlinks not followed), relative to it. */
function treePaths(root: string): string[] {
  const out: string[] = []
  const walk = (path: string) => {
    out.push(relative(root, path))
    if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry))
  }
  walk(root)
  return out
}

/** Paths created since `before` whose mode is not 0600 (file) / 0700 (directory), or that are neither. */
function badModes(root: string, before: Set<string>, ignore: Set<string>): string[] {
  const bad: string[] = []
  for (const path of treePaths(root)) {
    if (before.has(path) || ignore.has(path)) continue
    const stat = lstatSync(join(root, path))
    const mode = stat.mode & 0o777
    if (stat.isDirectory() ? mode !== 0o700 : !stat.isFile() || mode !== 0o600) bad.push(`${path} ${mode.toString(8)}`)
  }
  return bad.sort()
}

/** The secrets and the forms they could leak in (URL-encoded, e.g. in a redirect or a query). */
function needlesOf(secrets: string[]): string[] {
  return [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s)]))]
}

for (const storeKind of ['keychain', 'file'] as const) {
  describe(`no secret anywhere across a full walk under DEBUG=* and --debug (built CLI, emulator, ${storeKind} store)`, function () {
    this.timeout(120_000)
    let sb: Sandbox
    let umask: number
    let existing: Set<string>
    const outputs: Array<{args: string; text: string}> = []
    /** stdout of the commands whose job is to print credentials (credential-process, export). */
    const printed: string[] = []
    const ignore = new Set(['browser.log'])

    const run = async (args: string[], opts: {printsCredentials?: boolean} = {}): Promise<RunResult> => {
      const at = args.includes('--') ? args.indexOf('--') : args.length
      const argv = [...args.slice(0, at), '--debug', ...args.slice(at)]
      const r = await sb.run(argv, {env: {DEBUG: '*'}})
      outputs.push({args: args.join(' '), text: r.stderr})
      if (opts.printsCredentials) printed.push(r.stdout)
      else outputs.push({args: args.join(' '), text: r.stdout})
      return r
    }
    const ok = (r: RunResult, what: string) => expect(r.code, `${what}: ${r.stderr}`).to.equal(0)
    const secrets = () => [...sb.emulator.issuedSecrets(), ...(storeKind === 'file' ? [sb.env.KEYLESS_FILE_PASSPHRASE!] : [])]
    const leaks = () => {
      const needles = needlesOf(secrets())
      return {
        // HOME holds the CLI's TMPDIR (sandbox.ts); outsideHomeDirs() is the private test keyring's HOME.
        files: [sb.home, ...outsideHomeDirs()].flatMap((dir) => grepTree(dir, needles)),
        outputs: outputs.filter((o) => needles.some((n) => o.text.includes(n))).map((o) => o.args),
      }
    }

    before(async () => {
      sb = await createSandbox({store: storeKind})
      existing = new Set(treePaths(sb.home))
      umask = process.umask(0)
    })
    after(async () => {
      process.umask(umask)
      await sb?.cleanup()
    })

    it('configure, login, sync, list, status, credential-process, exec (env and --server), export, switch --print, a failing command', async () => {
      const {org} = sb.emulator
      ok(await run(['configure', '--session', 'corp', '--start-url', org.startUrl, '--region', org.region]), 'configure')
      const login = await run(['login', '--session', 'corp'])
      ok(login, 'login')
      expect(sb.browserCalls()).to.have.length(1)
      ok(await run(['sync']), 'sync')
      ok(await run(['list']), 'list')
      ok(await run(['list', '--json']), 'list --json')
      ok(await run(['status']), 'status')
      ok(await run(['status', '--json']), 'status --json')
      const cp = await run(['credential-process', '--profile', PROFILE], {printsCredentials: true})
      ok(cp, 'credential-process')
      const json = JSON.parse(cp.stdout) as {SecretAccessKey: string; SessionToken: string}
      // What it printed is what the emulator issued: the needles cover it.
      expect(secrets()).to.include.members([json.SecretAccessKey, json.SessionToken])
      ok(await run(['exec', PROFILE, '--', 'sh', '-c', 'test -n "$AWS_SECRET_ACCESS_KEY" && test -n "$AWS_SESSION_TOKEN"']), 'exec')
      const fetch = 'curl -sf -o /dev/null -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"'
      ok(await run(['exec', '--server', PROFILE, '--', 'sh', '-c', fetch]), 'exec --server')
      const exported = await run(['export', PROFILE], {printsCredentials: true})
      ok(exported, 'export')
      expect(exported.stdout).to.include(json.SecretAccessKey)
      const chosen = await run(['switch', '--print', 'workload-dev.ReadOnly'])
      ok(chosen, 'switch --print')
      expect(chosen.stdout.trim()).to.equal(PROFILE)
      // A failure with its stack trace (--debug and DEBUG=*) after sign-in.
      const failing = await run(['credential-process', '--profile', 'no-such-profile'])
      expect(failing.code).to.equal(2)
      expect(failing.stderr).to.match(/\n\s+at \S/)
      // DEBUG=* did reach oclif's debug output, so the outputs grepped are the verbose ones.
      expect(outputs.some((o) => /oclif:\w/.test(o.text)), 'no debug output').to.equal(true)
    })

    it('(self-check) the grep finds a planted secret in a file and in an output', async () => {
      const [secret] = secrets()
      expect(secret).to.be.a('string')
      const planted = join(sb.home, 'tmp', 'planted')
      await writeFile(planted, `x${encodeURIComponent(secret)}y`)
      try {
        expect(leaks().files).to.deep.equal([planted])
      } finally {
        await rm(planted)
      }
      outputs.push({args: 'planted', text: `x${secret}y`})
      expect(leaks().outputs).to.deep.equal(['planted'])
      outputs.pop()
    })

    it('while signed in: every secret issued is nowhere under HOME (with the CLI temp dir) or the test keyring HOME, nor in any output', () => {
      const all = secrets()
      // client secret, device code, access + refresh token, role credentials (secret key + session token)
      expect(all.length).to.be.at.least(storeKind === 'file' ? 7 : 6)
      // The commands that exist to print credentials did print issued secrets: the needles are the right ones.
      expect(all.filter((s) => printed.join('').includes(s))).to.have.length.of.at.least(2)
      expect(leaks()).to.deep.equal({files: [], outputs: []})
    })

    it('every file keyless created is 0600 and every directory 0700 (umask 000)', async () => {
      expect(badModes(sb.home, existing, ignore)).to.deep.equal([])
      // Self-check: a file made with the umask's default would be caught.
      const planted = join(sb.home, '.cache', 'planted')
      await writeFile(planted, '')
      try {
        expect(badModes(sb.home, existing, ignore)).to.deep.equal(['.cache/planted 666'])
      } finally {
        await rm(planted)
      }
    })

    it('after logout: still no secret anywhere, and the modes still hold', async () => {
      ok(await run(['logout', '--session', 'corp']), 'logout')
      ok(await run(['status']), 'status after logout')
      expect(leaks()).to.deep.equal({files: [], outputs: []})
      expect(badModes(sb.home, existing, ignore)).to.deep.equal([])
    })
  })
}
