import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {assertShellSafeProfile, fishQuote, posixQuote, shellExports} from '../../src/switch/shell-exports.js'

describe('shellExports', () => {
  const hostile = `it's $(touch PWNED) \`touch PWNED\` "\\ $HOME ; touch PWNED`

  it('writes assignments and unsets for bash/zsh and fish', () => {
    expect(shellExports('bash', [['AWS_PROFILE', 'dev.Admin'], ['AWS_REGION', undefined]])).to.equal("export AWS_PROFILE='dev.Admin'\nunset AWS_REGION\n")
    expect(shellExports('fish', [['AWS_PROFILE', 'dev.Admin'], ['AWS_REGION', undefined]])).to.equal("set -gx AWS_PROFILE 'dev.Admin'\nset -e AWS_REGION\n")
    expect(shellExports('zsh', [])).to.equal('')
    expect(() => shellExports('bash', [['BAD NAME', 'x']])).to.throw()
    expect(() => shellExports('bash', [['X', 'a\nb']])).to.throw().with.property('exit', 2)
  })

  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    it(`quotes any value so that ${shell} reads it back verbatim and runs nothing`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'keyless-quote-'))
      try {
        const file = join(dir, 'exports')
        writeFileSync(file, shellExports(shell, [['KEYLESS_TEST_VALUE', hostile]]))
        const script = shell === 'fish' ? `source ${file}; printf '%s' "$KEYLESS_TEST_VALUE"` : `. ${file}; printf '%s' "$KEYLESS_TEST_VALUE"`
        const out = execFileSync(shell, shell === 'fish' ? ['--no-config', '-c', script] : ['-c', script], {cwd: dir, encoding: 'utf8'})
        expect(out).to.equal(hostile)
        expect(existsSync(join(dir, 'PWNED'))).to.equal(false)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }

  it('quote helpers', () => {
    expect(posixQuote("a'b")).to.equal(`'a'\\''b'`)
    expect(fishQuote("a'b\\c")).to.equal(`'a\\'b\\\\c'`)
  })

  it('only profile names keyless could have written go into a shell', () => {
    expect(assertShellSafeProfile('corp/123/Admin.x@y+z')).to.equal('corp/123/Admin.x@y+z')
    for (const bad of ["x'y", 'a b', '$(x)', '', 'a\nb']) expect(() => assertShellSafeProfile(bad), bad).to.throw().with.property('exit', 2)
  })
})
