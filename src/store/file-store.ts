import {createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions} from 'node:crypto'
import {mkdir, readFile} from 'node:fs/promises'
import {basename, dirname} from 'node:path'
import {ExitCode, KeylessError} from '../errors.js'
import {withLock} from '../lock/with-lock.js'
import {writeFileAtomic} from '../util/write-file-atomic.js'
import type {SecretStore} from './secret-store.js'
import {shellQuote} from '../util/shell-quote.js'

export interface FileStoreOptions {
  /** The encrypted file, normally paths.dataDir/secrets.enc. */
  path: string
  passphrase: string
  /** Lock directory for writers (default: the file's directory). */
  lockDir?: string
  /** How long a writer waits for another (default 30 s). */
  lockTimeoutMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/**
 * On-disk format, version 1 (JSON, one object):
 *   {"format":"keyless-secrets","version":1,
 *    "kdf":{"name":"scrypt","N":16384,"r":8,"p":1,"salt":"<b64, 16 bytes>"},
 *    "cipher":"aes-256-gcm","iv":"<b64, 12 bytes>","tag":"<b64, 16 bytes>","data":"<b64>"}
 * data decrypts to {"entries":{"<key>":"<value>",…}}: keys and values are both secret. Everything
 * before iv is authenticated as additional data, so a changed parameter fails like a changed byte.
 * The key is scrypt(passphrase, salt): N=2^14, r=8, p=1 takes about 50 ms here (16 MiB) and is
 * derived once per store instance and salt. Every write uses a fresh random IV.
 */
interface FileHeader {
  format: 'keyless-secrets'
  version: 1
  kdf: {name: 'scrypt'; N: number; r: number; p: number; salt: string}
  cipher: 'aes-256-gcm'
}

interface EncryptedFile extends FileHeader {
  iv: string
  tag: string
  data: string
}

const KDF = {N: 2 ** 14, r: 8, p: 1} as const
const KEY_BYTES = 32

/** A store in one encrypted file (KEYLESS_STORE=file): for machines without a keychain. */
export function createFileStore(options: FileStoreOptions): SecretStore {
  const {path} = options
  const dir = dirname(path)
  const lockDir = options.lockDir ?? dir
  let cachedKey: {salt: string; key: Promise<Buffer>} | undefined

  const keyFor = (kdf: FileHeader['kdf']): Promise<Buffer> => {
    if (cachedKey?.salt !== kdf.salt) {
      const key = deriveKey(options.passphrase, kdf)
      // A failed derivation must not stay cached.
      key.catch(() => (cachedKey = undefined))
      cachedKey = {salt: kdf.salt, key}
    }
    return cachedKey.key
  }

  /** The current entries and the header to write them back with (a new one for a new file). */
  async function load(): Promise<{entries: Map<string, string>; header: FileHeader}> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {entries: new Map(), header: newHeader()}
      throw fileError(`Cannot read the secret file ${path} (${(error as NodeJS.ErrnoException).code}).`, error)
    }
    const file = parseFile(path, text)
    const key = await keyFor(file.kdf)
    const entries = decrypt(path, file, key)
    return {entries, header: headerOf(file)}
  }

  /** Read-modify-write under the cross-process lock, replacing the file atomically. */
  async function update<T>(change: (entries: Map<string, string>) => T): Promise<T> {
    await mkdir(dir, {recursive: true, mode: 0o700})
    return withLock(
      `file-store-${basename(path)}`,
      async () => {
        const {entries, header} = await load()
        const result = change(entries)
        const key = await keyFor(header.kdf)
        await writeAtomic(path, JSON.stringify(encrypt(header, key, entries)))
        return result
      },
      {dir: lockDir, timeoutMs: options.lockTimeoutMs ?? 30_000, now: options.now, sleep: options.sleep},
    )
  }

  return {
    kind: 'file',
    description: `encrypted file ${path}`,
    async get(key) {
      return (await load()).entries.get(key)
    },
    async set(key, value) {
      await update((entries) => void entries.set(key, value))
    },
    async delete(key) {
      // Look first, so deleting a missing key does not rewrite (or create) the file.
      if (!(await load()).entries.has(key)) return false
      return update((entries) => entries.delete(key))
    },
    async list(prefix) {
      return [...(await load()).entries.keys()].filter((key) => key.startsWith(prefix)).sort()
    },
  }
}

function newHeader(): FileHeader {
  return {
    format: 'keyless-secrets',
    version: 1,
    kdf: {name: 'scrypt', ...KDF, salt: randomBytes(16).toString('base64')},
    cipher: 'aes-256-gcm',
  }
}

function headerOf(file: EncryptedFile): FileHeader {
  return {format: file.format, version: file.version, kdf: file.kdf, cipher: file.cipher}
}

/** The authenticated additional data: the header, in a fixed field order. */
function aad(header: FileHeader): Buffer {
  const {name, N, r, p, salt} = header.kdf
  return Buffer.from(JSON.stringify([header.format, header.version, name, N, r, p, salt, header.cipher]))
}

function deriveKey(passphrase: string, kdf: FileHeader['kdf']): Promise<Buffer> {
  const params: ScryptOptions = {N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r}
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), KEY_BYTES, params, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

function encrypt(header: FileHeader, key: Buffer, entries: Map<string, string>): EncryptedFile {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad(header))
  const plain = Buffer.from(JSON.stringify({entries: Object.fromEntries(entries)}), 'utf8')
  const data = Buffer.concat([cipher.update(plain), cipher.final()])
  plain.fill(0)
  return {...header, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64')}
}

function decrypt(path: string, file: EncryptedFile, key: Buffer): Map<string, string> {
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64'))
    decipher.setAAD(aad(file))
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'))
    plain = Buffer.concat([decipher.update(Buffer.from(file.data, 'base64')), decipher.final()])
  } catch (error) {
    throw fileError(
      `Cannot decrypt the secret file ${path}: wrong KEYLESS_FILE_PASSPHRASE, or the file was modified.`,
      error,
      `Use the passphrase the file was created with (nothing was changed). If it is lost or the file damaged: ${recovery(path)}`,
    )
  }
  try {
    const parsed = JSON.parse(plain.toString('utf8')) as {entries?: Record<string, unknown>}
    const entries = new Map<string, string>()
    for (const [k, v] of Object.entries(parsed.entries ?? {})) if (typeof v === 'string') entries.set(k, v)
    return entries
  } catch (error) {
    throw fileError(`The secret file ${path} decrypts to something unreadable.`, error, recovery(path))
  } finally {
    plain.fill(0)
  }
}

function parseFile(path: string, text: string): EncryptedFile {
  let file: Partial<EncryptedFile>
  try {
    file = JSON.parse(text) as Partial<EncryptedFile>
  } catch (error) {
    throw fileError(`The secret file ${path} is not a keyless secret file (not JSON).`, error, recovery(path))
  }
  if (file?.format !== 'keyless-secrets') throw fileError(`The secret file ${path} is not a keyless secret file.`, undefined, recovery(path))
  if (file.version !== 1) {
    throw fileError(`The secret file ${path} has format version ${String(file.version)}, which this keyless cannot read.`, undefined, 'Upgrade keyless.')
  }
  const kdf = file.kdf
  const valid =
    kdf?.name === 'scrypt' &&
    [kdf.N, kdf.r, kdf.p].every((n) => Number.isInteger(n) && n > 0 && n <= 2 ** 20) &&
    typeof kdf.salt === 'string' &&
    file.cipher === 'aes-256-gcm' &&
    [file.iv, file.tag, file.data].every((s) => typeof s === 'string')
  if (!valid) throw fileError(`The secret file ${path} is damaged (a header field is missing or invalid).`, undefined, recovery(path))
  return file as EncryptedFile
}

/** The one atomic writer (temp file, fsync, rename, fsync of the directory), always mode 0600. */
async function writeAtomic(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, {mode: 0o600})
  } catch (error) {
    const e = error as KeylessError
    const code = (e.cause as NodeJS.ErrnoException | undefined)?.code
    // An I/O failure is named by its code; a refusal (not a regular file, hard links) says it all.
    throw code ? fileError(`Cannot write the secret file ${path} (${code}).`, error) : fileError(e.message, error, e.hint)
  }
}

/** The way out of a secret file that cannot be read: keep it aside (it may hold `audit --fix` items), sign in again. */
function recovery(path: string): string {
  return `Move it aside (mv ${shellQuote(path)} ${shellQuote(`${path}.damaged`)}) and run \`keyless login\` again; sessions and cached credentials are fetched anew.`
}

function fileError(message: string, cause?: unknown, hint?: string): KeylessError {
  return new KeylessError(message, {code: 'SecretFile', exit: ExitCode.storeUnavailable, hint, cause})
}
