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
