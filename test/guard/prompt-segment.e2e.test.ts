import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {promptSegment} from '../../src/guard/prompt-segment.js'

/** Runs the snippet in the real shell and returns what keyless_prompt prints. */
function render(shell: 'bash' | 'zsh' | 'fish', env: Record<string, string>): string {
  const snippet = promptSegment(shell)
  const script = shell === 'fish' ? `${snippet}\nkeyless_prompt` : `${snippet}\nkeyless_prompt`
  const base: Record<string, string> = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color'}
  const result = spawnSync(shell, shell === 'fish' ? ['--no-config', '-c', script] : ['-c', script], {env: {...base, ...env}, encoding: 'utf8'})
  expect(result.status, result.stderr).to.equal(0)
  return result.stdout
}

describe('guard/prompt-segment', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    it(`${shell}: nothing outside keyless, the profile inside, red PROD for production`, () => {
      expect(render(shell, {})).to.equal('')
      expect(render(shell, {AWS_PROFILE: 'dev'})).to.equal('(dev) ')
      expect(render(shell, {KEYLESS_PROFILE: 'stage', KEYLESS_ENVIRONMENT: 'staging'})).to.equal('(stage staging) ')
      const prod = render(shell, {KEYLESS_PROFILE: 'payments', KEYLESS_ENVIRONMENT: 'prod'})
      expect(prod).to.include('payments PROD')
      expect(prod).to.match(/\x1b\[1;97;41m|\x1b\[1m/) // eslint-disable-line no-control-regex
      expect(render(shell, {KEYLESS_PROFILE: 'payments', KEYLESS_ENVIRONMENT: 'Production', NO_COLOR: '1'})).to.equal('[payments !! PROD !!] ')
    })
  }

  it('bash wraps color codes in \\001 \\002 and zsh in %{ %} so the line width stays right', () => {
    expect(render('bash', {KEYLESS_PROFILE: 'p', KEYLESS_ENVIRONMENT: 'prod'})).to.equal('\x01\x1b[1;97;41m\x02 p PROD \x01\x1b[0m\x02 ')
    expect(render('zsh', {KEYLESS_PROFILE: 'p', KEYLESS_ENVIRONMENT: 'prod'})).to.equal('%{\x1b[1;97;41m%} p PROD %{\x1b[0m%} ')
  })

  it('rejects an unknown shell with a usage error', () => {
    expect(() => promptSegment('powershell')).to.throw(/No prompt segment for shell "powershell"/)
  })
})
