import {expect} from 'chai'
import {ids, profilesSandbox} from '../credentials/profiles-config.js'
import type {Sandbox} from '../helpers/sandbox.js'

// Hardening #14, "what held up": `exec --server` answers only on 127.0.0.1, and under thousands of
// requests gives each the right answer: 200 with the token, 401 without, 403 for a wrong token, a
// foreign Host (DNS rebinding) or a browser Origin, 400/413 for a body. The requests come from the
// child keyless runs, through the variables it is given, like an SDK's container provider.

const PER_KIND = 2200
const CLIENT = `
const http = require('node:http')
const net = require('node:net')
const os = require('node:os')
const uri = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN
const wrong = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a')
const agent = new http.Agent({keepAlive: true, maxSockets: 50})
const kinds = {
  good: {authorization: token},
  none: {},
  wrong: {authorization: wrong},
  short: {authorization: 'x'},
  host: {authorization: token, host: 'evil.example:' + uri.port},
  origin: {authorization: token, origin: 'https://evil.example'},
  body: {authorization: token, 'content-length': '5'},
}
function request(kind) {
  return new Promise((resolve) => {
    const req = http.request(uri, {agent, method: 'GET', headers: kinds[kind]}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({status: res.statusCode, body}))
    })
    req.on('error', (e) => resolve({status: e.code}))
    req.end(kind === 'body' ? 'hello' : undefined)
  })
}
function connects(host) {
  return new Promise((resolve) => {
    const s = net.connect({host, port: Number(uri.port)})
    s.once('connect', () => { s.destroy(); resolve('open') })
    s.once('error', (e) => resolve(e.code))
  })
}
;(async () => {
  const jobs = []
  for (let i = 0; i < ${PER_KIND}; i++) for (const kind of Object.keys(kinds)) jobs.push(kind)
  const tally = {}
  const keys = new Set()
  let next = 0
  await Promise.all(Array.from({length: 50}, async () => {
    while (next < jobs.length) {
      const kind = jobs[next++]
      const r = await request(kind)
      const k = kind + ' ' + r.status
      tally[k] = (tally[k] || 0) + 1
      if (kind === 'good' && r.status === 200) keys.add(JSON.parse(r.body).AccessKeyId)
    }
  }))
  const others = ['127.0.0.2', '::1', ...Object.values(os.networkInterfaces()).flat().filter((a) => !a.internal && !a.address.startsWith('fe80:')).map((a) => a.address)]
  const reach = {'127.0.0.1': await connects('127.0.0.1')}
  for (const host of others) reach[host] = await connects(host)
  process.stdout.write(JSON.stringify({host: uri.hostname, tally, keys: keys.size, reach}))
})()
`

describe('keyless exec --server under load: loopback only, the right status for each of thousands of requests (built CLI, emulator)', function () {
  this.timeout(120_000)
  let sb: Sandbox

  before(async () => {
    sb = await profilesSandbox()
  })
  after(() => sb?.cleanup())

  it(`${PER_KIND * 7} requests of 7 kinds, 50 at a time: every one answered as it should; nothing listens beyond 127.0.0.1`, async () => {
    const key = `${ids.security}/AdministratorAccess`
    const before = sb.emulator.count('GetRoleCredentials', key)
    const r = await sb.run(['exec', '--server', 'security-admin', '--', process.execPath, '-e', CLIENT])
    expect(r.code, r.stderr).to.equal(0)
    const result = JSON.parse(r.stdout) as {host: string; tally: Record<string, number>; keys: number; reach: Record<string, string>}
    expect(result.host).to.equal('127.0.0.1')
    const body = Object.keys(result.tally).find((k) => k.startsWith('body '))
    expect(['body 400', 'body 413']).to.include(body)
    expect(result.tally).to.deep.equal({
      'good 200': PER_KIND,
      'none 401': PER_KIND,
      'wrong 403': PER_KIND,
      'short 403': PER_KIND,
      'host 403': PER_KIND,
      'origin 403': PER_KIND,
      [body!]: PER_KIND,
    })
    // One set of credentials served to all, fetched once (not once per request).
    expect(result.keys).to.equal(1)
    expect(sb.emulator.count('GetRoleCredentials', key) - before).to.equal(1)
    // Reachable on 127.0.0.1 only: another loopback address, ::1 and every other interface (but
    // link-local IPv6, which needs a scope) are refused.
    expect(result.reach['127.0.0.1']).to.equal('open')
    const others = Object.entries(result.reach).filter(([host]) => host !== '127.0.0.1')
    expect(others.length).to.be.at.least(2)
    for (const [host, outcome] of others) expect(outcome, host).to.be.oneOf(['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH'])
  })
})
