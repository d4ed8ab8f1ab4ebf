/** A session tag of an AssumeRole (aws-vault's `session_tags = key1=value1,key2=value2`). */
export interface SessionTag {
  key: string
  value: string
}

/** STS accepts at most 50 session tags (and transitive keys) per AssumeRole. */
export const MAX_SESSION_TAGS = 50
/** STS: keys 1–128, values 0–256 characters of letters, spaces, numbers and _.:/=+-@. */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u
/** STS: SourceIdentity is 2–64 characters of [\w+=,.@-]. */
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/

// The credential-process fast path (hot-path/fast-credential-spec.ts) repeats these rules without
// importing this file; test/hot-path/fast-credential-spec.test.ts holds the two together.

/** `key1=value1,key2=value2` (blank items skipped, spaces around keys and values trimmed), or why not. */
export function parseSessionTags(text: string): SessionTag[] | {error: string} {
  const tags: SessionTag[] = []
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.indexOf('=')
    if (at <= 0) return {error: `"${item}" is not key=value`}
    const key = item.slice(0, at).trim()
    const value = item.slice(at + 1).trim()
    if (!TAG_KEY.test(key)) return {error: `tag key "${key}" must be 1 to 128 letters, digits, spaces or _.:/=+-@`}
    if (!TAG_VALUE.test(value)) return {error: `tag value "${value}" must be at most 256 letters, digits, spaces or _.:/=+-@`}
    if (tags.some((t) => t.key.toLowerCase() === key.toLowerCase())) return {error: `tag key "${key}" is given twice (keys are case-insensitive)`}
    tags.push({key, value})
  }
  if (tags.length > MAX_SESSION_TAGS) return {error: `${tags.length} tags; AWS allows at most ${MAX_SESSION_TAGS}`}
  return tags
}

/** `key1,key2`: each must be one of the session tags' keys (case-insensitive), or why not. */
export function parseTransitiveTagKeys(text: string, tags: SessionTag[]): string[] | {error: string} {
  const keys = text.split(',').map((s) => s.trim()).filter(Boolean)
  for (const key of keys) {
    if (!tags.some((t) => t.key.toLowerCase() === key.toLowerCase())) return {error: `transitive key "${key}" is not one of the session_tags`}
  }
  return keys
}

export function isValidSourceIdentity(value: string): boolean {
  return SOURCE_IDENTITY.test(value)
}
