import { stringify } from 'csv-stringify/sync'

export type CsvColumn<T> = [header: string, value: (row: T) => unknown]

/**
 * A spreadsheet runs a cell that starts with = + - @, a tab or a CR as a formula; prefixing an
 * apostrophe makes it text again. Numbers stay numbers.
 */
export function neutralise(value: unknown): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return value
  const s = typeof value === 'string' ? value : Array.isArray(value) ? value.join('; ') : JSON.stringify(value)
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

/** RFC 4180 CSV with a header row, CRLF line ends and a UTF-8 BOM for spreadsheet apps. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const records = rows.map((r) => columns.map(([, get]) => neutralise(get(r))))
  return '\ufeff' + stringify([columns.map(([h]) => h), ...records], { record_delimiter: 'windows', quoted_match: /[",\r\n]/ })
}

/** How a list of citations reads in one cell: "Financial Times 2023-09-24, para. 5". */
export function citationCell(citations: readonly { source: { publisher: string, publishedDate: string }, locator: string }[]): string {
  return citations.map((c) => `${c.source.publisher} ${c.source.publishedDate}, ${c.locator}`).join(' | ')
}
