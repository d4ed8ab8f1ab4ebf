import {expect} from 'chai'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pairKey} from '../../src/config/account-role-pair.js'
import {assignProfileNames} from '../../src/sync/assign-profile-names.js'
import {keylessCommand} from '../../src/sync/keyless-command.js'
import {parseManagedProfiles, renderManagedProfiles} from '../../src/sync/managed-profile.js'
import {profileNamePattern, renderProfileName, sanitizeProfileName, validateTemplate} from '../../src/sync/profile-name.js'
import {unifiedDiff} from '../../src/sync/unified-diff.js'

const pair = (session: string, accountId: string, accountName: string, roleName: string) => ({session, accountId, accountName, roleName})

describe('profile names', () => {
  it('renders templates and sanitizes to what the AWS CLI and a shell accept', () => {
    const p = pair('corp', '111122223333', 'Shared Services (EU)', 'AWSAdministratorAccess')
    expect(renderProfileName('{account_name}.{role_name}', p)).to.equal('Shared-Services-EU.AWSAdministratorAccess')
    expect(renderProfileName('{session}/{account_id}/{role_name}', p)).to.equal('corp/111122223333/AWSAdministratorAccess')
    expect(renderProfileName('{account_name}', pair('c', '1', '***', 'R'))).to.equal('1.R')
    expect(sanitizeProfileName(' prod;rm -rf $HOME ')).to.equal('prod-rm-rf-HOME')
    expect(sanitizeProfileName('a"b\'c`d')).to.equal('a-b-c-d')
    expect(sanitizeProfileName('Zoë-Ünit')).to.equal('Zoe-Unit')
    for (const raw of ['x y', '..a..', 'é-ü', '[profile]', 'a=b#c']) expect(sanitizeProfileName(raw)).to.match(profileNamePattern)
    expect(sanitizeProfileName('日本')).to.equal('')
  })

  it('validates templates (unknown placeholder, unbalanced brace, no account) with exit 2', () => {
    expect(validateTemplate(' {account_name}-{role_name} ')).to.equal('{account_name}-{role_name}')
    for (const bad of ['', '{acct}', '{account_name', '{role_name}', 'static']) {
      expect(() => validateTemplate(bad), bad).to.throw().with.property('exit', 2)
    }
  })
})

describe('assignProfileNames', () => {
  it('suffixes every member of a collision (session, then account id, then role) and skips hand-written names', () => {
    const named = [
      {pair: pair('a', '1', 'audit', 'RO'), base: 'audit.RO'},
      {pair: pair('b', '2', 'audit', 'RO'), base: 'audit.RO'},
      {pair: pair('b', '3', 'audit', 'RO'), base: 'audit.RO'},
      {pair: pair('a', '4', 'x', 'RO'), base: 'x'},
      {pair: pair('a', '4', 'x', 'RW'), base: 'x'},
      {pair: pair('a', '5', 'mine', 'RO'), base: 'mine.RO'},
    ]
    const {names, skipped} = assignProfileNames(named, new Set(['mine.RO']))
    expect(Object.fromEntries(names)).to.deep.equal({
      [pairKey(named[0].pair)]: 'audit.RO.a',
      [pairKey(named[1].pair)]: 'audit.RO.b.2',
      [pairKey(named[2].pair)]: 'audit.RO.b.3',
      [pairKey(named[3].pair)]: 'x.RO',
      [pairKey(named[4].pair)]: 'x.RW',
    })
    expect(skipped).to.deep.equal([{pair: named[5].pair, name: 'mine.RO'}])
  })

  it('does not depend on the order of the pairs', () => {
    const named = [
      {pair: pair('a', '1', 'n', 'R'), base: 'n.R'},
      {pair: pair('b', '2', 'n', 'R'), base: 'n.R'},
      {pair: pair('c', '3', 'n.R', 'b'), base: 'n.R.b'},
    ]
    const forward = assignProfileNames(named, new Set()).names
    const backward = assignProfileNames([...named].reverse(), new Set()).names
    expect(Object.fromEntries(backward)).to.deep.equal(Object.fromEntries(forward))
    expect(new Set(forward.values()).size).to.equal(3)
  })
})

describe('managed profiles', () => {
  it('render and parse back (sorted by name, region and environment optional)', () => {
    const profiles = [
      {name: 'b.R', session: 's', accountId: '2', accountName: 'b', roleName: 'R'},
      {name: 'a.R', session: 's', accountId: '1', accountName: 'a', roleName: 'R', region: 'eu-west-1', environment: 'prod'},
    ]
    const body = renderManagedProfiles(profiles, 'keyless')
    expect(body.split('\n')[0]).to.equal('[profile a.R]')
    expect(body).to.include('credential_process = keyless credential-process --profile a.R\n')
    expect(parseManagedProfiles(body)).to.deep.equal([profiles[1], profiles[0]])
    expect(renderManagedProfiles([], 'keyless')).to.equal('')
  })
})

describe('keylessCommand', () => {
  it('is KEYLESS_BIN, else `keyless` on PATH, else the absolute script path (node + script when not executable)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-cmd-'))
    try {
      const script = join(dir, 'my dir', 'run.js')
      const bin = join(dir, 'bin')
      for (const d of [join(dir, 'my dir'), bin]) mkdirSync(d)
      writeFileSync(script, '#!/usr/bin/env node\n')
      expect(keylessCommand({env: {KEYLESS_BIN: 'node /x/run.js'}, script, node: '/usr/bin/node'})).to.equal('node /x/run.js')
      expect(keylessCommand({env: {PATH: bin}, script, node: '/usr/bin/node'})).to.equal(`/usr/bin/node "${script}"`)
      chmodSync(script, 0o755)
      expect(keylessCommand({env: {PATH: bin}, script, node: '/usr/bin/node'})).to.equal(`"${script}"`)
      writeFileSync(join(bin, 'keyless'), '#!/bin/sh\n', {mode: 0o755})
      expect(keylessCommand({env: {PATH: `/nonexistent:${bin}`}, script, node: '/usr/bin/node'})).to.equal('keyless')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('unifiedDiff', () => {
  it('shows changes with 3 lines of context, CRLF and a missing final newline', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f')).to.equal('')
    expect(unifiedDiff('1\n2\n3\n4\n5\n6\n7\n8\n', '1\n2\n3\n4\nX\n6\n7\n8\n', 'f')).to.equal(
      '--- f\n+++ f (after keyless sync)\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n',
    )
    expect(unifiedDiff('a\r\n', 'a\r\nb', 'f')).to.equal('--- f\n+++ f (after keyless sync)\n@@ -1 +1,2 @@\n a␍\n+b\n\\ No newline at end of file\n')
  })

  it('stays fast on a config with tens of thousands of lines', () => {
    const big = Array.from({length: 50_000}, (_, i) => `k${i} = v\n`).join('')
    const started = Date.now()
    const diff = unifiedDiff(big, big.replace('k100 = v\n', '').replace('k40000 = v\n', 'k40000 = w\n') + 'tail\n', 'f')
    expect(Date.now() - started).to.be.below(2000)
    expect(diff.match(/^@@/gm)).to.have.length(3)
  })
})
