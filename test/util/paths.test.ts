import {expect} from 'chai'
import {resolvePaths} from '../../src/util/paths.js'

describe('resolvePaths', () => {
  it('honours AWS_CONFIG_FILE and XDG_CACHE_HOME', () => {
    const p = resolvePaths({AWS_CONFIG_FILE: '/x/config', XDG_CACHE_HOME: '/c'}, '/home/u')
    expect(p.configFile).to.equal('/x/config')
    expect(p.credentialsFile).to.equal('/home/u/.aws/credentials')
    expect(p.cacheDir).to.equal('/c/keyless')
    expect(p.dataDir).to.equal('/home/u/.local/share/keyless')
  })

  it('on Windows: caches and locks under %LOCALAPPDATA%, the secret file under %APPDATA% (XDG still wins)', () => {
    const env = {LOCALAPPDATA: '/w/Local', APPDATA: '/w/Roaming'}
    const p = resolvePaths(env, '/w/home', 'win32')
    expect(p.cacheDir).to.equal('/w/Local/keyless')
    expect(p.lockDir).to.equal('/w/Local/keyless/locks')
    expect(p.dataDir).to.equal('/w/Roaming/keyless')
    expect(resolvePaths({}, '/w/home', 'win32').dataDir).to.equal('/w/home/AppData/Roaming/keyless')
    expect(resolvePaths({...env, XDG_CACHE_HOME: '/c'}, '/w/home', 'win32').cacheDir).to.equal('/c/keyless')
    expect(resolvePaths(env, '/home/u', 'linux').cacheDir).to.equal('/home/u/.cache/keyless')
  })
})

describe('resolvePaths: XDG variables (hardening #14)', () => {
  it('ignores a relative XDG_CACHE_HOME or XDG_DATA_HOME, as the XDG spec requires', () => {
    const p = resolvePaths({XDG_CACHE_HOME: 'rel/cache', XDG_DATA_HOME: './data'}, '/home/u')
    expect(p.cacheDir).to.equal('/home/u/.cache/keyless')
    expect(p.lockDir).to.equal('/home/u/.cache/keyless/locks')
    expect(p.dataDir).to.equal('/home/u/.local/share/keyless')
  })

  it('keeps an absolute one (and ~/ expanded)', () => {
    const p = resolvePaths({XDG_CACHE_HOME: '~/c', XDG_DATA_HOME: '/d'}, '/home/u')
    expect(p.cacheDir).to.equal('/home/u/c/keyless')
    expect(p.dataDir).to.equal('/d/keyless')
  })
})
