import {expect} from 'chai'
import {chooseFlow} from '../../src/sso/choose-flow.js'

describe('sso/choose-flow', () => {
  it('uses the device flow unless PKCE is asked for', () => {
    expect(chooseFlow(undefined, {DISPLAY: ':0'}, 'linux')).to.deep.equal({flow: 'device'})
    expect(chooseFlow('device', {DISPLAY: ':0'}, 'linux')).to.deep.equal({flow: 'device'})
  })

  it('uses PKCE with a display, on macOS and Windows, or when BROWSER is set', () => {
    expect(chooseFlow('pkce', {DISPLAY: ':0'}, 'linux').flow).to.equal('pkce')
    expect(chooseFlow('pkce', {WAYLAND_DISPLAY: 'wayland-0'}, 'linux').flow).to.equal('pkce')
    expect(chooseFlow('pkce', {}, 'darwin').flow).to.equal('pkce')
    expect(chooseFlow('pkce', {}, 'win32').flow).to.equal('pkce')
    expect(chooseFlow('pkce', {BROWSER: '/usr/bin/curl-browser', SSH_CONNECTION: '1 2 3 4'}, 'linux').flow).to.equal('pkce')
  })

  it('falls back to the device flow, saying why, over SSH or without a display', () => {
    const ssh = chooseFlow('pkce', {DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22'}, 'linux')
    expect(ssh.flow).to.equal('device')
    expect(ssh.reason).to.include('SSH')
    const headless = chooseFlow('pkce', {}, 'linux')
    expect(headless.flow).to.equal('device')
    expect(headless.reason).to.include('no display')
  })
})
