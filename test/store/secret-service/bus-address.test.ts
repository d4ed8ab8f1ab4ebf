import {expect} from 'chai'
import {busTarget} from '../../../src/store/secret-service/bus-address.js'

describe('busTarget (the one D-Bus address parser)', () => {
  it('reads the bus address forms libdbus uses', () => {
    expect(busTarget('unix:path=/run/user/1000/bus')).to.deep.equal({path: '/run/user/1000/bus'})
    expect(busTarget('unix:path=/tmp/dbus-8IHW9MIkKX,guid=f23eb1ad')).to.deep.equal({path: '/tmp/dbus-8IHW9MIkKX'})
    expect(busTarget('unix:abstract=/tmp/dbus-Ab,guid=123')).to.deep.equal({path: '\0/tmp/dbus-Ab'})
    expect(busTarget('unix:path=/tmp/with%20space,guid=1')).to.deep.equal({path: '/tmp/with space'})
    expect(busTarget('autolaunch:;tcp:host=127.0.0.1,port=5555')).to.deep.equal({host: '127.0.0.1', port: 5555})
    expect(busTarget('launchd:env=X')).to.equal(undefined)
    expect(busTarget('unix:path=/tmp/bad%zz')).to.equal(undefined)
  })

  it('skips tcp entries when only a unix socket will do (the lookup authenticates by uid)', () => {
    expect(busTarget('tcp:host=localhost,port=1234;unix:path=/b', true)).to.deep.equal({path: '/b'})
    expect(busTarget('tcp:host=localhost,port=1234', true)).to.equal(undefined)
    expect(busTarget('tcp:host=localhost,port=1234;unix:path=/b')).to.deep.equal({host: 'localhost', port: 1234})
  })
})
