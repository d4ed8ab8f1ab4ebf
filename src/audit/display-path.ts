import {sep} from 'node:path'

/** `path` with the home directory shown as `~`. */
export function displayPath(path: string, home: string): string {
  if (home && (path === home || path.startsWith(home.endsWith(sep) ? home : home + sep))) return `~${path.slice(home.replace(/\/+$/, '').length)}`
  return path
}
