import {expect} from 'chai'
import {chooseFlow} from '../../src/sso/choose-flow.js'

const term = {canPaste: true}
const noTerm = {canPaste: false}

describe('sso/choose-flow', () => {
  it('uses the device flow unless PKCE is asked for (by --flow or keyless_login_flow)', () => {
    expect(chooseFlow({...term}, {DISPLAY: ':0'}, 'linux')).to.deep.equal({flow: 'device', noBrowser: false, pasteBack: false})
    expect(chooseFlow({...term, requested: 'device'}, {SSH_CONNECTION: '1 2 3 4'}, 'linux')).to.deep.equal({flow: 'device', noBrowser: false, pasteBack: false})
    expect(chooseFlow({...term, requested: 'device', noBrowser: true}, {}, 'linux')).to.deep.include({flow: 'device', noBrowser: true})
  })

  it('uses PKCE with a display, on macOS and Windows, under WSL, or when BROWSER is set; no paste prompt then', () => {
    for (const [env, platform, wsl] of [
      [{DISPLAY: ':0'}, 'linux', false],
      [{WAYLAND_DISPLAY: 'wayland-0'}, 'linux', false],
      [{}, 'darwin', false],
      [{}, 'win32', false],
      [{}, 'linux', true],
      [{BROWSER: '/usr/bin/curl-browser', SSH_CONNECTION: '1 2 3 4'}, 'linux', false],
    ] as const) {
      expect(chooseFlow({...term, requested: 'pkce', wsl}, env, platform), JSON.stringify(env)).to.deep.equal({flow: 'pkce', noBrowser: false, pasteBack: false})
    }
  })

  it('over SSH or without a display: PKCE with paste-back and no local browser, when a terminal is there', () => {
    for (const env of [{DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22'}, {SSH_TTY: '/dev/pts/3'}, {}]) {
      expect(chooseFlow({...term, requested: 'pkce'}, env, 'linux'), JSON.stringify(env)).to.deep.equal({flow: 'pkce', noBrowser: true, pasteBack: true})
    }
  })

  it('falls back to the device flow, saying why, over SSH or without a display and without a terminal', () => {
    const ssh = chooseFlow({...noTerm, requested: 'pkce'}, {DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22'}, 'linux')
    expect(ssh.flow).to.equal('device')
    expect(ssh.reason).to.include('SSH').and.include('no terminal to paste')
    const headless = chooseFlow({...noTerm, requested: 'pkce'}, {}, 'linux')
    expect(headless.flow).to.equal('device')
    expect(headless.reason).to.include('no display')
  })

  it('--no-browser --flow pkce prints the URL and takes the loopback redirect or a pasted address', () => {
    expect(chooseFlow({...term, requested: 'pkce', noBrowser: true}, {DISPLAY: ':0'}, 'linux')).to.deep.equal({flow: 'pkce', noBrowser: true, pasteBack: true})
    expect(chooseFlow({...noTerm, requested: 'pkce', noBrowser: true}, {DISPLAY: ':0'}, 'linux')).to.deep.equal({flow: 'pkce', noBrowser: true, pasteBack: false})
    expect(chooseFlow({...term, requested: 'pkce', noBrowser: true}, {BROWSER: 'x'}, 'linux')).to.deep.equal({flow: 'pkce', noBrowser: true, pasteBack: true})
  })
})
