import type DataLoader from 'dataloader'
import type { KeysetPage } from '../db/keyset.ts'

type Read<V> = Map<string, V> | { error: unknown }

/**
 * The page a row was read in is kept on the row, under a key no field name can be: a map from rows
 * to pages cost a hash per row (and a backing store for it) to fill and to look up.
 */
const PAGE = Symbol('page')
type Marked = { [PAGE]?: readonly object[] }

/**
 * Rows of a top-level page know their page, for the length of a request. A relation asked of one
 * of them is then read for the whole page at once, synchronously (the database driver is
 * synchronous), and handed to each row as a value rather than a promise: the same one statement per
 * relation that DataLoader would batch, without a promise and a scheduled batch per row, which cost
 * more than the reading at a page of 50. Rows of nested pages keep going through DataLoader, which
 * batches across pages.
 */
export class Pages {
  /** The pages marked by this request. */
  private readonly own = new Set<readonly object[]>()

  /** The page a row was read in, if this request marked it. */
  of(row: object): readonly object[] | undefined {
    const page = (row as Marked)[PAGE]
    return page && this.own.has(page) ? page : undefined
  }

  /** A page whose rows are marked when first read; still read only when first used. */
  marked<T extends object>(page: KeysetPage<T>): KeysetPage<T> {
    return new MarkedPage(page, this.own)
  }

  /**
   * A value read once per page for the rows of a marked page (undefined for other rows), and its
   * error given to each of them, as a relation's.
   */
  perPage<V>(read: (page: readonly object[]) => V): (row: object) => V | undefined {
    const got = new Map<readonly object[], { value: V } | { error: unknown }>()
    return (row) => {
      const page = this.of(row)
      if (!page) return undefined
      let entry = got.get(page)
      if (!entry) {
        try {
          entry = { value: read(page) }
        } catch (error) {
          entry = { error }
        }
        got.set(page, entry)
      }
      if ('value' in entry) return entry.value
      throw entry.error
    }
  }

  /**
   * A relation read per page for marked rows, through `loader` for the others. `batch` is the
   * loader's own batch function, so both ways give the same values, and the same error to each row.
   */
  relation<V>(loader: () => DataLoader<string, V>, batch: (keys: readonly string[]) => V[], keyOf: (row: never) => string | null) {
    const read = new Map<readonly object[], Read<V>>()
    return (row: object, key: string): V | Promise<V> => {
      const page = this.of(row)
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

/**
 * A page of Pages.marked. A class, its getters on the prototype: an object literal with getters
 * made per request gets a hidden class of its own each time, which the collector pays for.
 */
class MarkedPage<T extends object> implements KeysetPage<T> {
  private list: T[] | undefined
  readonly cursorOf: KeysetPage<T>['cursorOf']
  readonly hasNext: KeysetPage<T>['hasNext']
  readonly hasPrevious: KeysetPage<T>['hasPrevious']
  readonly count: KeysetPage<T>['count']

  constructor(private readonly page: KeysetPage<T>, private readonly own: Set<readonly object[]>) {
    this.cursorOf = page.cursorOf
    this.hasNext = page.hasNext
    this.hasPrevious = page.hasPrevious
    this.count = page.count
  }

  get rows(): T[] {
    if (this.list) return this.list
    const list = this.page.rows
    for (const r of list) (r as Marked)[PAGE] = list
    this.own.add(list)
    return (this.list = list)
  }

  get nextCursor(): string | null { return this.page.nextCursor }
}
