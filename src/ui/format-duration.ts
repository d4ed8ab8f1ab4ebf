const UNITS: Array<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
]

/** "2d 3h", "7h 59m", "4m 10s", "45s", "2h" — the two largest units of a duration in seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds))
  const first = UNITS.findIndex(([, size]) => s >= size)
  if (first === -1) return '0s'
  const [unit, size] = UNITS[first]
  const n = Math.floor(s / size)
  const next = UNITS[first + 1]
  if (!next) return `${n}${unit}`
  const m = Math.floor((s - n * size) / next[1])
  return m > 0 ? `${n}${unit} ${m}${next[0]}` : `${n}${unit}`
}
