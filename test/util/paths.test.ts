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
