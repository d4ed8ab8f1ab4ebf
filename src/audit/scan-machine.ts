import {readdir, readFile, stat} from 'node:fs/promises'
import {basename, dirname, isAbsolute, join} from 'node:path'
import {parseIniDocument} from '../config/ini-document.js'
import type {Paths} from '../util/paths.js'
import type {Scan, Severity} from './audit-types.js'
import {displayPath} from './display-path.js'
import {scanAwsFile, sectionProfileName} from './scan-aws-file.js'
import {scanCacheFile} from './scan-cache-file.js'
import {scanEnvironment} from './scan-environment.js'
import {scanShellFile} from './scan-shell-file.js'

export interface ScanDeps {
  now: () => number
  env: NodeJS.ProcessEnv
  paths: Pick<Paths, 'home' | 'configFile' | 'credentialsFile'>
}

export interface MachineScan extends Scan {
  /** What was looked at (files that exist, and the environment). */
  scanned: string[]
  /** The config file's profiles (name → settings), for --check and --replace-with. */
  configProfiles: Record<string, Record<string, string>>
}

const severityOrder: Record<Severity, number> = {high: 0, medium: 1, low: 2, info: 3}

interface FileRead {
  text: string
  modifiedAt: number
}

async function readIfFile(path: string): Promise<FileRead | undefined> {
  try {
    const info = await stat(path)
    if (!info.isFile()) return undefined
    return {text: await readFile(path, 'utf8'), modifiedAt: info.mtimeMs}
  } catch {
    return undefined // missing or unreadable: nothing we can report on
  }
}

async function listDir(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  try {
    return (await readdir(dir)).filter(keep).sort().map((name) => join(dir, name))
  } catch {
    return []
  }
}

/** Shell start-up files of bash, zsh, sh and fish (and csh) that may export keys. */
export async function shellStartupFiles(home: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const zdot = env.ZDOTDIR || home
  const xdgConfig = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config') // relative: ignored (XDG spec)
  const files = [
    ...['.profile', '.bashrc', '.bash_profile', '.bash_login', '.bash_aliases', '.bash_logout'].map((f) => join(home, f)),
    ...['.zshenv', '.zprofile', '.zshrc', '.zlogin'].map((f) => join(zdot, f)),
    ...['.cshrc', '.tcshrc', '.login'].map((f) => join(home, f)),
    join(xdgConfig, 'fish', 'config.fish'),
    ...(await listDir(join(xdgConfig, 'fish', 'conf.d'), (n) => n.endsWith('.fish'))),
  ]
  return [...new Set(files)]
}

/**
 * Other copies of the AWS files next to them: keyless' own `.keyless-backup`, and `credentials.bak`,
 * `credentials~`, `config.old`… that editors and people leave behind.
 */
async function siblingCopies(path: string): Promise<string[]> {
  const name = basename(path)
  return listDir(dirname(path), (n) => n !== name && n.startsWith(name) && /^[.~_-]/.test(n.slice(name.length)))
}

/** Looks everywhere keyless knows long-lived keys hide. Reads only; changes nothing. */
export async function scanMachine(deps: ScanDeps): Promise<MachineScan> {
  const now = deps.now()
  const {home, configFile, credentialsFile} = deps.paths
  const result: MachineScan = {findings: [], keys: new Map(), scanned: [], configProfiles: {}}
  const add = (scan: Scan) => {
    result.findings.push(...scan.findings)
    for (const [id, key] of scan.keys) result.keys.set(id, key)
  }

  const awsFiles: Array<{path: string; format: 'config' | 'credentials'}> = [
    {path: credentialsFile, format: 'credentials'},
    {path: configFile, format: 'config'},
    ...(await siblingCopies(credentialsFile)).map((path) => ({path, format: 'credentials' as const})),
    ...(await siblingCopies(configFile)).map((path) => ({path, format: 'config' as const})),
  ]
  const seen = new Set<string>()
  for (const {path, format} of awsFiles) {
    if (seen.has(path)) continue
    seen.add(path)
    const file = await readIfFile(path)
    if (!file) continue
    result.scanned.push(displayPath(path, home))
    add(scanAwsFile({path, home, text: file.text, format, modifiedAt: file.modifiedAt}, now))
    if (path === configFile) {
      for (const section of parseIniDocument(file.text).sections) {
        if (section.kind !== 'profile' && section.kind !== 'default') continue
        const settings = (result.configProfiles[sectionProfileName(section, 'config')] ??= {})
        for (const entry of section.entries) settings[entry.key] = entry.value
      }
    }
  }

  result.scanned.push('environment')
  add(scanEnvironment(deps.env, now))

  for (const path of await shellStartupFiles(home, deps.env)) {
    const file = await readIfFile(path)
    if (!file) continue
    result.scanned.push(displayPath(path, home))
    add(scanShellFile({path, home, text: file.text, modifiedAt: file.modifiedAt}, now))
  }

  const aws = join(home, '.aws')
  const caches: Array<{dir: string; cache: 'sso' | 'cli'}> = [
    {dir: join(aws, 'sso', 'cache'), cache: 'sso'},
    {dir: join(aws, 'cli', 'cache'), cache: 'cli'},
    {dir: join(aws, 'boto', 'cache'), cache: 'cli'},
  ]
  for (const {dir, cache} of caches) {
    const files = await listDir(dir, (n) => n.endsWith('.json'))
    if (files.length > 0) result.scanned.push(`${displayPath(dir, home)}/*.json`)
    for (const path of files) {
      const file = await readIfFile(path)
      if (!file) continue
      const finding = scanCacheFile({path, home, text: file.text, cache, modifiedAt: file.modifiedAt}, now)
      if (finding) result.findings.push(finding)
    }
  }

  annotate(result)
  result.findings.sort(
    (a, b) => severityOrder[a.severity] - severityOrder[b.severity] || a.location.localeCompare(b.location, 'en', {numeric: true}),
  )
  return result
}

/** Regions from the config file, and which profiles chain from a profile that holds keys. */
function annotate(result: MachineScan): void {
  for (const finding of result.findings) {
    if (finding.kind !== 'aws-file' || finding.profile === undefined) continue
    const key = result.keys.get(finding.id)
    const region = result.configProfiles[finding.profile]?.region
    if (key && !key.region && region) key.region = region
    const users = Object.entries(result.configProfiles)
      .filter(([name, s]) => s.source_profile === finding.profile && name !== finding.profile)
      .map(([name]) => name)
    if (users.length > 0) {
      finding.notes.push(
        `Used as source_profile by ${users.join(', ')}: --replace-with keeps ${users.length > 1 ? 'them' : 'it'} working.`,
      )
    }
  }
}
