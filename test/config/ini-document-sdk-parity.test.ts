import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadSharedConfigFiles, loadSsoSessionData} from '@smithy/shared-ini-file-loader'
import {expect} from 'chai'
import {buildAwsConfig, iniSectionMap} from '../../src/config/build-aws-config.js'
import {parseIniDocument} from '../../src/config/ini-document.js'

// Random files built from the lexical corners of real AWS config files. For every file without a
// problem line, the line model must see exactly the sections, keys and values the SDK's parser sees
// (the credentials file is returned by the SDK as parseIni's raw map, so it shows everything), and
// the one builder of AwsConfig (build-aws-config.ts, used by loadAwsConfig and the hot path) must
// give what the SDK's loader gives for profiles, sso-sessions and credentials. The SDK loader is
// kept (as a devDependency) only as this reference.

const headers = ['default', 'profile a', 'profile.a', 'sso-session.s', 'profile "a"', "profile 'b'", 'profile x.y', 'sso-session s', 'services svc', 'plain', 'profile a  b', ' profile a ', 'unknown thing', 'profile default']
const keys = ['region', 'k', 's3', 'sub', 'x-y', 'a.b']
const values = ['us-east-1', 'a=b', 'v#x', 'ü—🚀', '1']
const spacing = [(k: string, v: string) => `${k}=${v}`, (k: string, v: string) => `${k} = ${v}`, (k: string, v: string) => `${k} =  ${v}   `, (k: string, v: string) => `${k} = ${v} # c`, (k: string, v: string) => `${k}\t=\t${v} ;c`]

function rng(seed: number) {
  let s = seed >>> 0
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return (s >>> 8) % n // the low bits of an LCG repeat quickly
  }
}

function randomFile(seed: number): string {
  const r = rng(seed)
  const pick = <T>(a: T[]) => a[r(a.length)]
  const lines: string[] = []
  const count = 5 + r(25)
  for (let i = 0; i < count; i++) {
    const t = i === 0 ? 0 : r(12)
    if (t <= 1) lines.push(`${r(4) === 0 ? '  ' : ''}[${pick(headers)}]${r(3) === 0 ? ' # hdr' : ''}`)
    else if (t <= 5) lines.push(pick(spacing)(pick(keys), pick(values)))
    else if (t === 6) lines.push(`${pick(keys)} =`)
    else if (t === 7) lines.push(`${pick(['  ', '\t', '    '])}${pick(spacing)(pick(keys), pick(values))}`)
    else if (t === 8) lines.push(pick(['# comment', '; comment', '  # indented', '#', ';;']))
    else if (t === 9) lines.push('')
    else if (t === 10) lines.push(`  ${pick(['continued', 'more text'])}`)
    else lines.push(`${pick(['  ', ''])}${pick(keys)} = ${pick(values)}`)
  }
  const eol = r(2) === 0 ? '\n' : '\r\n'
  return lines.join(eol) + (r(3) === 0 ? '' : eol)
}

describe('ini-document parity with the AWS SDK parser (randomized)', () => {
  it('sees the same sections, keys and values in 1000 random files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-parity-'))
    let compared = 0
    let subSectionKeys = 0
    try {
      for (let seed = 1; seed <= 1000; seed++) {
        const text = randomFile(seed)
        if (parseIniDocument(text).problems.length > 0) continue
        const file = join(dir, `credentials-${seed}`)
        writeFileSync(file, text)
        const sdk = (await loadSharedConfigFiles({filepath: file, configFilepath: join(dir, 'none'), ignoreCache: true})).credentialsFile
        expect(iniSectionMap(parseIniDocument(text)), `seed ${seed}:\n${text}`).to.deep.equal(JSON.parse(JSON.stringify(sdk)))
        for (const v of Object.values(sdk)) subSectionKeys += Object.keys(v as object).filter((k) => k.includes('.') && k !== 'a.b').length
        compared++
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
    // the corpus really exercises the corners
    expect(compared).to.be.greaterThan(500)
    expect(subSectionKeys).to.be.greaterThan(50)
  })

  it('builds the same profiles, sso-sessions and credentials as the SDK loader from 1000 random file pairs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-parity-'))
    let compared = 0
    const seen = {profiles: 0, emptyProfiles: 0, ssoSessions: 0, credentials: 0, defaults: 0}
    try {
      for (let seed = 1; seed <= 1000; seed++) {
        const configText = randomFile(seed * 7919)
        const credentialsText = randomFile(seed * 104_729 + 1)
        const configDoc = parseIniDocument(configText)
        const credentialsDoc = parseIniDocument(credentialsText)
        if (configDoc.problems.length > 0 || credentialsDoc.problems.length > 0) continue
        const paths = {configFile: join(dir, `config-${seed}`), credentialsFile: join(dir, `credentials-${seed}`)}
        writeFileSync(paths.configFile, configText)
        writeFileSync(paths.credentialsFile, credentialsText)
        const sdk = JSON.parse(JSON.stringify(await loadSharedConfigFiles({filepath: paths.credentialsFile, configFilepath: paths.configFile, ignoreCache: true})))
        const sdkSessions = JSON.parse(JSON.stringify(await loadSsoSessionData({configFilepath: paths.configFile})))
        // Which names are profiles comes from the file (the SDK drops a profile without keys;
        // keyless keeps it as {} so that it resolves as "nothing to serve", not "unknown").
        const names = configDoc.sections.filter((s) => s.kind === 'profile' || s.kind === 'default').map((s) => s.name)
        const expected = {
          profiles: Object.fromEntries(names.map((name) => [name, Object.hasOwn(sdk.configFile, name) ? sdk.configFile[name] : {}])),
          ssoSessions: sdkSessions,
          credentials: sdk.credentialsFile,
          ...paths,
        }
        const built = buildAwsConfig(configDoc, credentialsDoc, paths)
        expect(built, `seed ${seed}:\n--- config\n${configText}\n--- credentials\n${credentialsText}`).to.deep.equal(expected)
        // and every profile the SDK reads under a name the file calls a profile is there
        for (const name of Object.keys(sdk.configFile)) if (names.includes(name)) expect(built.profiles[name]).to.deep.equal(sdk.configFile[name])
        compared++
        seen.profiles += names.length
        seen.emptyProfiles += Object.values(built.profiles).filter((v) => Object.keys(v).length === 0).length
        seen.ssoSessions += Object.keys(built.ssoSessions).length
        seen.credentials += Object.keys(built.credentials).length
        seen.defaults += Number(Object.hasOwn(built.profiles, 'default') && Object.keys(built.profiles.default).length > 0)
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
    expect(compared).to.be.greaterThan(300)
    for (const [what, count] of Object.entries(seen)) expect(count, what).to.be.greaterThan(50)
  })
})
