/**
 * A key id as a person may see it: the first 4 characters (AKIA/ASIA, the kind of key) and the last 4.
 * Anything shorter than 12 characters shows only its first 4, so a short value never shows whole.
 */
export function maskKeyId(keyId: string): string {
  const id = keyId.trim()
  if (id.length < 12) return `${id.slice(0, 4)}****`
  return `${id.slice(0, 4)}****${id.slice(-4)}`
}
