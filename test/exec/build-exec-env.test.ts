import {expect} from 'chai'
import {staleVariables} from '../../src/credentials/credential-variables.js'
import {buildExecEnv} from '../../src/exec/build-exec-env.js'

const credentials = {accessKeyId: 'ASIANEW', secretAccessKey: 'new-secret', sessionToken: 'new-token', expiresAt: Date.parse('2026-11-22T13:00:00Z')}

const polluted = {
  PATH: '/usr/bin',
  HOME: '/home/me',
  AWS_PROFILE: 'other',
  AWS_DEFAULT_PROFILE: 'other',
  AWS_ACCESS_KEY_ID: 'AKIAOLD',
  AWS_SECRET_ACCESS_KEY: 'old',
  AWS_SESSION_TOKEN: 'old',
  AWS_SECURITY_TOKEN: 'old',
  AWS_CREDENTIAL_EXPIRATION: 'old',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
  AWS_CONTAINER_AUTHORIZATION_TOKEN: 'old',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token',
  AWS_ROLE_ARN: 'arn:aws:iam::1:role/x',
  AWS_REGION: 'ap-south-1',
  AWS_DEFAULT_REGION: 'ap-south-1',
  AWS_CONFIG_FILE: '/home/me/.aws/config',
  KEYLESS_PROFILE: 'outer',
  KEYLESS_ENVIRONMENT: 'production',
}

describe('buildExecEnv', () => {
  it('sets the keys, expiry, region and marker, and drops every other identity', () => {
    const env = buildExecEnv({base: polluted, profileName: 'dev', region: 'eu-west-1', credentials})
    expect(env).to.deep.equal({
      PATH: '/usr/bin',
      HOME: '/home/me',
      AWS_CONFIG_FILE: '/home/me/.aws/config',
      AWS_ACCESS_KEY_ID: 'ASIANEW',
      AWS_SECRET_ACCESS_KEY: 'new-secret',
      AWS_SESSION_TOKEN: 'new-token',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-22T13:00:00.000Z',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      KEYLESS_PROFILE: 'dev',
    })
    expect(polluted.AWS_PROFILE).to.equal('other') // the base is not modified
  })

  it('serves through an endpoint instead of keys with --server', () => {
    const env = buildExecEnv({base: polluted, profileName: 'dev', endpoint: {url: 'http://127.0.0.1:4000/', token: 'tok'}, environment: 'production'})
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.equal('http://127.0.0.1:4000/')
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).to.equal('tok')
    expect(env.KEYLESS_ENVIRONMENT).to.equal('production')
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_PROFILE']) {
      expect(env, name).to.not.have.property(name)
    }
    // No region in the profile: the caller's region stays.
    expect(env.AWS_REGION).to.equal('ap-south-1')
  })

  it('never forwards a variable keyless itself set after the snapshot', () => {
    // The snapshot is taken before the AWS SDK loads; whatever is in it passes, nothing else is added.
    const env = buildExecEnv({base: {PATH: '/bin'}, profileName: 'dev', credentials})
    expect(Object.keys(env).sort()).to.deep.equal(['AWS_ACCESS_KEY_ID', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'KEYLESS_PROFILE', 'PATH'])
    expect(staleVariables).to.include('AWS_SECURITY_TOKEN')
  })
})

describe('buildExecEnv: keyless secrets (hardening #14 item 12)', () => {
  it('never passes KEYLESS_FILE_PASSPHRASE or another KEYLESS_*PASSPHRASE/SECRET/TOKEN variable to the child', () => {
    const base = {PATH: '/bin', KEYLESS_FILE_PASSPHRASE: 'hunter2', KEYLESS_AGENT_TOKEN: 't', KEYLESS_STORE: 'file', KEYLESS_SESSION: 'corp'}
    for (const env of [
      buildExecEnv({base, profileName: 'dev', credentials}),
      buildExecEnv({base, profileName: 'dev', endpoint: {url: 'http://127.0.0.1:4000/', token: 'tok'}}),
    ]) {
      expect(env).to.not.have.property('KEYLESS_FILE_PASSPHRASE')
      expect(env).to.not.have.property('KEYLESS_AGENT_TOKEN')
      expect(env.KEYLESS_STORE).to.equal('file') // not a secret: a nested keyless asks for the passphrase
      expect(env.KEYLESS_SESSION).to.equal('corp')
    }
    expect(base.KEYLESS_FILE_PASSPHRASE).to.equal('hunter2')
  })
})
