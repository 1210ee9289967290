import type DataLoader from 'dataloader'
import type { KeysetPage } from '../db/keyset.ts'

type Read<V> = Map<string, V> | { error: unknown }

/**
 * Rows of a top-level page know their page, for the length of a request. A relation asked of one
 * of them is then read for the whole page at once, synchronously (the database driver is
 * synchronous), and handed to each row as a value rather than a promise: the same one statement per
 * relation that DataLoader would batch, without a promise and a scheduled batch per row, which cost
 * more than the reading at a page of 50. Rows of nested pages keep going through DataLoader, which
 * batches across pages.
 */
export class Pages {
  private readonly pageOfRow = new Map<object, readonly object[]>()

  /** The page a row was read in, if it was marked. */
  of(row: object): readonly object[] | undefined {
    return this.pageOfRow.get(row)
  }

  /** A page whose rows are marked when first read; still read only when first used. */
  marked<T extends object>(page: KeysetPage<T>): KeysetPage<T> {
    let rows: T[] | undefined
    const mark = (list: T[]) => {
      for (const r of list) this.pageOfRow.set(r, list)
      return list
    }
    return {
      get rows() { return (rows ??= mark(page.rows)) },
      get nextCursor() { return page.nextCursor },
      cursorOf: page.cursorOf,
      hasNext: page.hasNext,
      hasPrevious: page.hasPrevious,
      count: page.count,
    }
  }

  /**
   * A relation read per page for marked rows, through `loader` for the others. `batch` is the
   * loader's own batch function, so both ways give the same values, and the same error to each row.
   */
  relation<V>(loader: () => DataLoader<string, V>, batch: (keys: readonly string[]) => V[], keyOf: (row: never) => string | null) {
    const read = new Map<readonly object[], Read<V>>()
    return (row: object, key: string): V | Promise<V> => {
      const page = this.pageOfRow.get(row)
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
}
