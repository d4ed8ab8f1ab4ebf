import {execFile} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {expect} from 'chai'
import {replaceManagedBlock} from '../../src/config/managed-block.js'
import {upsertSsoSession} from '../../src/config/upsert-sso-session.js'
import {crlfNoFinalNewline, kitchenSink} from './fixtures.js'
import {tempAws, type TempAws} from './helpers.js'

const run = promisify(execFile)

/** Debian's AWS CLI v2 (botocore's own parser, not the JS SDK's) reading a file keyless edited. */
async function awsCli(aws: TempAws, ...args: string[]): Promise<string> {
  const env = {PATH: process.env.PATH, HOME: aws.dir, AWS_CONFIG_FILE: aws.configFile, AWS_SHARED_CREDENTIALS_FILE: join(aws.dir, 'none')}
  return (await run('/usr/bin/aws', args, {env})).stdout
}

const body = (session: string) =>
  `[profile ${session}-dev.Developer]\nkeyless_session = ${session}\nkeyless_account_id = 111111111111\nkeyless_role_name = Developer\nregion = ap-northeast-1\ncredential_process = keyless credential-process --profile ${session}-dev.Developer\n`

describe('config files keyless edits, read by the real AWS CLI', () => {
  let aws: TempAws | undefined
  afterEach(() => aws?.cleanup())

  const cases = [
    ['LF', kitchenSink, 'eu-central-1'],
    ['CRLF without a final newline', crlfNoFinalNewline, 'us-west-2'],
  ] as const
  for (const [label, fixture, defaultRegion] of cases) {
    it(`the AWS CLI sees hand-written and managed profiles after configure + sync edits (${label})`, async function () {
      this.timeout(30_000)
      aws = tempAws({config: fixture})
      await upsertSsoSession(aws, {name: 'lab', startUrl: 'http://127.0.0.1:4000/start', region: 'eu-central-1', scopes: ['sso:account:access']})
      writeFileSync(aws.configFile, replaceManagedBlock(readFileSync(aws.configFile, 'utf8'), 'lab', body('lab')))
      const text = readFileSync(aws.configFile, 'utf8')
      expect(text.startsWith(fixture)).to.equal(true)

      const profiles = (await awsCli(aws, 'configure', 'list-profiles')).trim().split('\n')
      expect(profiles).to.include.members(['default', 'dev', 'lab-dev.Developer'])
      expect((await awsCli(aws, 'configure', 'get', 'region', '--profile', 'lab-dev.Developer')).trim()).to.equal('ap-northeast-1')
      expect((await awsCli(aws, 'configure', 'get', 'region', '--profile', 'default')).trim()).to.equal(defaultRegion)
    })
  }
})
