import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadSharedConfigFiles} from '@smithy/shared-ini-file-loader'
import {expect} from 'chai'
import {iniContent, parseIniDocument} from '../../src/config/ini-document.js'

// Random files built from the lexical corners of real AWS config files. For every file without a
// problem line, the line model must see exactly the sections, keys and values the SDK's parser sees
// (the credentials file is returned by the SDK as parseIni's raw map, so it shows everything).

const headers = ['default', 'profile a', 'profile "a"', "profile 'b'", 'profile x.y', 'sso-session s', 'services svc', 'plain', 'profile a  b', ' profile a ', 'unknown thing', 'profile default']
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

const sdkPrefixed = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/

/** parseIni's raw map, rebuilt from the line model. */
function fromDocument(text: string): Record<string, Record<string, string>> {
  const doc = parseIniDocument(text)
  const map: Record<string, Record<string, string>> = {}
  for (const s of doc.sections) {
    let section: string | undefined
    if (s.kind === 'default') section = 'default'
    else if (s.kind !== 'other') section = `${s.kind}.${s.name}`
    else section = sdkPrefixed.test(s.header) ? undefined : s.header
    if (section === undefined) continue
    for (const e of s.entries) {
      if (e.value !== '') (map[section] ??= {})[e.key] = e.value
      else {
        // indented key = value lines inside the entry's span belong to its sub-section
        for (let i = e.line + 1; i < e.endLine; i++) {
          const raw = doc.lines[i]
          const content = iniContent(raw)
          const eq = content.indexOf('=')
          if (eq > 0 && raw.trimStart() !== raw && content.slice(eq + 1).trim() !== '') {
            ;(map[section] ??= {})[`${e.key}.${content.slice(0, eq).trim()}`] = content.slice(eq + 1).trim()
          }
        }
      }
    }
  }
  return map
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
        expect(fromDocument(text), `seed ${seed}:\n${text}`).to.deep.equal(JSON.parse(JSON.stringify(sdk)))
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
})
