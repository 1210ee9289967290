import { InvalidCursorError } from '../errors.ts'

/**
 * Keyset cursors: the sort they belong to and the last row's sort values, base64url-encoded.
 * Opaque to clients; a cursor from another sort or a damaged one is a 400, not an empty page.
 */
export function encodeCursor(sort: string, values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify([sort, ...values])).toString('base64url')
}

/**
 * The values of a cursor issued for `sort`. With `kinds`, each value must be of its column's kind
 * (or null, unless `nullable` is false): a number where text is sorted would compare before every
 * row and page from the start. A null where the column holds none compares before every row too
 * (SQLite's NULL is unknown in a row-value comparison), so an empty page came back for it.
 */
export function decodeCursor(cursor: string, sort: string, arity: number, kinds?: readonly ('string' | 'number')[], nullable = true): (string | number | null)[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError('it was not issued by this API')
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed.some((v) => v !== null && typeof v !== 'string' && typeof v !== 'number')) {
    throw new InvalidCursorError('it was not issued by this API')
  }
  if (parsed[0] !== sort) throw new InvalidCursorError(`it belongs to sort "${String(parsed[0])}", not "${sort}"`)
  const values = parsed.slice(1) as (string | number | null)[]
  if (kinds && values.some((v, i) => (v === null ? !nullable : typeof v !== kinds[i]))) throw new InvalidCursorError('it was not issued by this API')
  return values
}
