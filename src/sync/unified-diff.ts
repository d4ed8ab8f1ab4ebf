import {splitLines} from '../util/split-lines.js'

type Op = {kind: ' ' | '-' | '+'; line: string}

/**
 * A unified diff (`diff -u` style, 3 lines of context) between two texts, '' when they are equal.
 * Lines are compared with their terminators, so a CRLF/LF change shows; a missing final newline is
 * marked as diff does.
 */
export function unifiedDiff(before: string, after: string, path: string, context = 3): string {
  if (before === after) return ''
  const a = splitKeepingEnds(before)
  const b = splitKeepingEnds(after)
  const ops = diffLines(a, b)
  // Lines of a (b) before each op, for the hunk headers.
  const aBefore = new Int32Array(ops.length + 1)
  const bBefore = new Int32Array(ops.length + 1)
  ops.forEach((o, j) => {
    aBefore[j + 1] = aBefore[j] + (o.kind === '+' ? 0 : 1)
    bBefore[j + 1] = bBefore[j] + (o.kind === '-' ? 0 : 1)
  })
  const hunks: string[] = []
  let i = 0
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++
      continue
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is within 2·context lines of the previous one.
    let start = i
    let back = 0
    while (start > 0 && back < context && ops[start - 1].kind === ' ') {
      start--
      back++
    }
    let end = i
    let lastChange = i
    while (end < ops.length) {
      if (ops[end].kind !== ' ') lastChange = end
      else if (end - lastChange > 2 * context) break
      end++
    }
    end = Math.min(ops.length, lastChange + 1 + context)
    const aStart = aBefore[start]
    const bStart = bBefore[start]
    const body = ops.slice(start, end)
    const aLen = body.filter((o) => o.kind !== '+').length
    const bLen = body.filter((o) => o.kind !== '-').length
    const range = (s: number, n: number) => (n === 1 ? `${s + 1}` : `${n === 0 ? s : s + 1},${n}`)
    hunks.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@\n`)
    for (const op of body) hunks.push(render(op))
    i = end
  }
  return `--- ${path}\n+++ ${path} (after keyless sync)\n${hunks.join('')}`
}

function render(op: Op): string {
  const text = op.line.replace(/\r?\n$/, '')
  const crlf = op.line.endsWith('\r\n') ? '␍' : ''
  const noEol = op.line.endsWith('\n') ? '' : '\n\\ No newline at end of file'
  return `${op.kind}${text}${crlf}${noEol}\n`
}

function splitKeepingEnds(text: string): string[] {
  const {lines, terminators} = splitLines(text)
  return lines.map((line, i) => line + terminators[i])
}

/** Myers' O(ND) shortest edit script, after trimming the common prefix and suffix. */
function diffLines(a: string[], b: string[]): Op[] {
  let prefix = 0
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++
  let suffix = 0
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++
  const am = a.slice(prefix, a.length - suffix)
  const bm = b.slice(prefix, b.length - suffix)
  const middle = myers(am, bm)
  return [
    ...a.slice(0, prefix).map((line): Op => ({kind: ' ', line})),
    ...middle,
    ...a.slice(a.length - suffix).map((line): Op => ({kind: ' ', line})),
  ]
}

/** Above this many differing lines, the middle is shown as removed then added (no search). */
const maxEditDistance = 4000

function myers(a: string[], b: string[]): Op[] {
  const n = a.length
  const m = b.length
  const replaceAll = (): Op[] => [...a.map((line): Op => ({kind: '-', line})), ...b.map((line): Op => ({kind: '+', line}))]
  if (n === 0 || m === 0) return replaceAll()
  const max = Math.min(n + m, maxEditDistance)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // trace[d] holds the frontier before step d, for diagonals -d..d only (memory O(D²), not O(D·(N+M))).
  const trace: Int32Array[] = []
  let end = -1
  for (let d = 0; d <= max && end < 0; d++) {
    trace.push(v.slice(offset - d, offset + d + 1))
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) {
        end = d
        break
      }
    }
  }
  if (end < 0) return replaceAll()
  const at = (d: number, k: number) => trace[d][k + d]
  const ops: Op[] = []
  let x = n
  let y = m
  for (let d = end; d >= 0; d--) {
    const k = x - y
    let prevK = k
    let prevX = 0
    let prevY = 0
    if (d > 0) {
      prevK = k === -d || (k !== d && at(d, k - 1) < at(d, k + 1)) ? k + 1 : k - 1
      prevX = at(d, prevK)
      prevY = prevX - prevK
    }
    while (x > prevX && y > prevY) {
      ops.push({kind: ' ', line: a[x - 1]})
      x--
      y--
    }
    if (d === 0) break
    if (x === prevX) ops.push({kind: '+', line: b[y - 1]})
    else ops.push({kind: '-', line: a[x - 1]})
    x = prevX
    y = prevY
  }
  return ops.reverse()
}
