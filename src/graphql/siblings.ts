import type DataLoader from 'dataloader'
import type { KeysetPage } from '../db/keyset.ts'

/**
 * Rows of a top-level page know their page. A relation asked of one of them is then read for the
 * whole page at once, synchronously (the database driver is synchronous), and handed to each row
 * as a value rather than a promise: the same one statement per relation that DataLoader would
 * batch, without a promise and a scheduled batch per row, which cost more than the reading at a
 * page of 50. Rows of nested pages keep going through DataLoader, which batches across pages.
 */
const pages = new WeakMap<object, readonly object[]>()

/** Marks the rows of a top-level page; returns them. */
export function markPage<T extends object>(rows: T[]): T[] {
  for (const r of rows) pages.set(r, rows)
  return rows
}

export const pageOf = (row: object): readonly object[] | undefined => pages.get(row)

type Read<V> = Map<string, V> | { error: unknown }

/**
 * A relation read per page for marked rows, through `loader` for the others. `batch` is the
 * loader's own batch function, so both ways give the same values, and the same error to each row.
 */
export function perPage<V>(loader: () => DataLoader<string, V>, batch: (keys: readonly string[]) => V[], keyOf: (row: never) => string | null) {
  const read = new WeakMap<readonly object[], Read<V>>()
  return (row: object, key: string): V | Promise<V> => {
    const page = pages.get(row)
    if (!page) return loader().load(key)
    let got = read.get(page)
    if (!got) {
      const keys = [...new Set(page.map((r) => keyOf(r as never)).filter((k): k is string => k !== null))]
      try {
        const values = batch(keys)
        got = new Map(keys.map((k, i) => [k, values[i]!]))
      } catch (error) {
        got = { error }
      }
      read.set(page, got)
    }
    if (got instanceof Map) return got.get(key)!
    throw got.error
  }
}

/** A page whose rows are marked when first read; still read only when first used. */
export function markedPage<T extends object>(page: KeysetPage<T>): KeysetPage<T> {
  let rows: T[] | undefined
  return {
    get rows() { return (rows ??= markPage(page.rows)) },
    get nextCursor() { return page.nextCursor },
    cursorOf: page.cursorOf,
    hasNext: page.hasNext,
    hasPrevious: page.hasPrevious,
    count: page.count,
  }
}
