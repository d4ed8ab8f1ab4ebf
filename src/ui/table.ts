/** A column of a plain-text table. */
export interface Column<T> {
  header: string
  value: (row: T) => string
  /** Text decoration applied after padding (e.g. color), so widths stay right. */
  style?: (text: string, row: T) => string
}

/**
 * A plain-text table: a header row, then one line per row, columns padded to their widest cell and
 * separated by two spaces; trailing spaces trimmed. No borders, so it pipes well into grep/awk.
 */
export function renderTable<T>(columns: Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)))
  const line = (values: string[], row?: T) =>
    values
      .map((v, i) => {
        const padded = i === values.length - 1 ? v : v.padEnd(widths[i])
        const style = row === undefined ? undefined : columns[i].style
        return style ? style(padded, row as T) : padded
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...cells.map((values, r) => line(values, rows[r]))].join('\n')
}
