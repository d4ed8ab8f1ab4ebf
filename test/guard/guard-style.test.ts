import {expect} from 'chai'
import {colorEnabled} from '../../src/guard/guard-style.js'

describe('colorEnabled', () => {
  it('colors a terminal only; FORCE_COLOR asks for it elsewhere; NO_COLOR and TERM=dumb turn it off', () => {
    expect(colorEnabled({isTTY: true}, {})).to.equal(true)
    expect(colorEnabled({isTTY: false}, {})).to.equal(false)
    expect(colorEnabled({isTTY: undefined}, {})).to.equal(false)
    expect(colorEnabled({isTTY: true}, {TERM: 'dumb'})).to.equal(false)
    expect(colorEnabled({isTTY: false}, {FORCE_COLOR: '1'})).to.equal(true)
    expect(colorEnabled({isTTY: false}, {FORCE_COLOR: 'true'})).to.equal(true)
    for (const off of ['0', 'false', '']) expect(colorEnabled({isTTY: false}, {FORCE_COLOR: off}), off).to.equal(false)
    expect(colorEnabled({isTTY: true}, {NO_COLOR: '1'})).to.equal(false)
    expect(colorEnabled({isTTY: false}, {NO_COLOR: '1', FORCE_COLOR: '1'})).to.equal(false)
  })
})
