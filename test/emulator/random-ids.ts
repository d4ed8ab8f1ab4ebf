import {createHash, randomBytes, randomInt} from 'node:crypto'

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ'

function pick(alphabet: string, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}

/** Identifiers shaped like the ones AWS issues. */
export const randomIds = {
  token: (prefix: string, bytes = 48) => prefix + randomBytes(bytes).toString('base64url'),
  clientId: () => randomBytes(16).toString('base64url'),
  userCode: () => `${pick(USER_CODE_LETTERS, 4)}-${pick(USER_CODE_LETTERS, 4)}`,
  /** ASIA… (temporary) or AKIA… (long-lived) access key id, 20 characters. */
  accessKeyId: (prefix: 'ASIA' | 'AKIA') => prefix + pick(UPPER_ALNUM, 16),
  secretAccessKey: () => randomBytes(30).toString('base64').slice(0, 40),
  sessionToken: () => 'IQoJb3JpZ2luX2VjE' + randomBytes(180).toString('base64'),
  /** A stable unique id (AROA…/AIDA…) derived from a name, as IAM ids are stable per role/user. */
  stableId: (prefix: 'AROA' | 'AIDA', name: string) =>
    prefix + createHash('sha256').update(name).digest('hex').toUpperCase().replace(/[^A-Z2-7]/g, '').padEnd(17, 'Q').slice(0, 17),
  hex16: (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 16),
  requestId: () => randomBytes(16).toString('hex'),
}
