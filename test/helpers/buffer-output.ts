import type {Output} from '../../src/deps.js'

/** A buffer that stands in for stdout or stderr. */
export function bufferOutput(isTTY = false): Output & {text: () => string} {
  let text = ''
  return {isTTY, write: (s: string) => void (text += s), text: () => text}
}
