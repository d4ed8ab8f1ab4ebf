/** How bad a finding is: high = a long-lived key in plaintext; info = a cache other tools manage. */
export type Severity = 'high' | 'medium' | 'low' | 'info'

/** Where a finding lives. */
export type FindingKind = 'aws-file' | 'environment' | 'shell-file' | 'sso-cache' | 'cli-cache'

/** long-lived: an IAM user key (AKIA…); temporary: STS (ASIA… / with a session token); token: an SSO token cache. */
export type KeyType = 'long-lived' | 'temporary' | 'unknown' | 'token'

/** What STS said about a key (`--check`). */
export type KeyCheck =
  | {
      ok: true
      account: string
      arn: string
      userId: string
      coveredBy: string[]
      /** From IAM (long-lived keys): the user, the key's status and last use, and who asked. */
      userName?: string
      status?: 'Active' | 'Inactive' | 'Unknown'
      lastUsed?: {date: string; service: string; region: string} | null
      /** The profile the IAM reads went through; absent = the key itself. */
      via?: string
      /** The key itself was used to learn this (it counts as a use in IAM and CloudTrail). */
      usedKeyItself?: boolean
    }
  | {ok: false; error: string}

/** One thing `keyless audit` found. Never holds a secret: key ids are masked. */
export interface Finding {
  /** Stable within one scan; used to pick findings. */
  id: string
  kind: FindingKind
  /** `~/.aws/credentials:3` or `$AWS_ACCESS_KEY_ID`. */
  location: string
  /** Absolute path, for files. */
  file?: string
  /** 1-based line of the key id (or of the secret when there is no key id). */
  line?: number
  /** The profile (AWS files), or what `--profile` takes to pick this finding (shell files: `~/.bashrc`). */
  profile?: string
  /** First 4 and last 4 characters. */
  keyId?: string
  keyType: KeyType
  /** Counts toward exit code 1. */
  longLived: boolean
  severity: Severity
  /** The file's modification time: the best age we have for the entry. */
  fileModifiedAt?: string
  fileAgeDays?: number
  /** For temporary credentials and caches. */
  expiresAt?: string
  expired?: boolean
  /** `--fix` can remove it. */
  fixable: boolean
  /** What to do, one sentence. */
  advice: string
  /** Extra facts (e.g. "used as source_profile by ci"). */
  notes: string[]
  check?: KeyCheck
}

/** The key material behind a finding, for `--check`; never rendered. */
export interface KeyMaterial {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  region?: string
}

/** The result of a scan: findings to show, key material kept apart by finding id. */
export interface Scan {
  findings: Finding[]
  keys: Map<string, KeyMaterial>
}

export interface AuditSummary {
  total: number
  longLived: number
  bySeverity: Record<Severity, number>
}

/** `keyless audit --json`. */
export interface AuditReport {
  findings: Finding[]
  summary: AuditSummary
  /** The files and variables looked at. */
  scanned: string[]
}
