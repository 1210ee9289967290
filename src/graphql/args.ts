import { z } from 'zod'
import { InvalidCursorError, InvalidParameterError } from '../errors.ts'
import { filterPairProblem } from '../http/filter-pairs.ts'
import { DateFilter, LIMIT_MAX } from '../http/schemas.ts'
import type { KeysetPage, PageWindow } from '../db/keyset.ts'
import type { MercuriusContext } from 'mercurius'

export const sqliteOf = (ctx: MercuriusContext) => ctx.app.storage.sqlite

/** `first` is capped as REST's `limit` is, and an out-of-range value is an error, not a silent clamp. */
export function pageSize(first: number | null | undefined, fallback = 50, name = 'first'): number {
  const n = first ?? fallback
  if (!Number.isInteger(n) || n < 1 || n > LIMIT_MAX) throw new InvalidParameterError(`${name}: must be between 1 and ${LIMIT_MAX}`)
  return n
}

export interface PagingArgs { first?: number | null, after?: string | null, last?: number | null, before?: string | null }

/** Relay paging arguments as a page size and a keyset window: `first` from the start, `last` from the end. */
export function paging(a: PagingArgs, fallback = 50): { limit: number, at: PageWindow } {
  if (a.first != null && a.last != null) throw new InvalidParameterError('first, last: give one of them, not both')
  // An empty cursor is a damaged one, as on REST: not the first page.
  if (a.after === '' || a.before === '') throw new InvalidCursorError(`${a.after === '' ? 'after' : 'before'} is empty`)
  const fromEnd = a.last != null
  return {
    limit: fromEnd ? pageSize(a.last, fallback, 'last') : pageSize(a.first, fallback),
    at: { after: a.after ?? undefined, before: a.before ?? undefined, fromEnd },
  }
}

/** A stable text form of paging (and other) arguments, for keys of batching loaders. */
export const argsKey = (a: object) => JSON.stringify(Object.entries(a).filter(([, v]) => v != null).sort(([x], [y]) => x.localeCompare(y)))

const DateArgs = z.object({ from: DateFilter.optional(), to: DateFilter.optional(), updatedSince: DateFilter.optional() })

/** Checks the date fields of a filter input with the same rules as the REST query string. */
/** The longest id or search text an argument may hold, as on REST. */
export const TEXT_ARG_MAX = 200

/** A text argument within REST's bounds: not empty, at most TEXT_ARG_MAX characters. */
export function checkedText(name: string, value: string): string {
  if (value.length === 0) throw new InvalidParameterError(`${name}: must not be empty`)
  if (value.length > TEXT_ARG_MAX) throw new InvalidParameterError(`${name}: at most ${TEXT_ARG_MAX} characters (${value.length} given)`)
  return value
}

export function checkedFilter<T extends object>(filter: T | null | undefined): T {
  const f = (filter ?? {}) as T & Record<string, unknown>
  const dates = Object.fromEntries(['from', 'to', 'updatedSince'].filter((k) => f[k] != null).map((k) => [k, f[k]]))
  const parsed = DateArgs.safeParse(dates)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidParameterError(`filter.${issue.path.join('.')}: ${issue.message}`)
  }
  // The bounds REST's query strings have: ids and words of at most TEXT_ARG_MAX characters.
  for (const [k, v] of Object.entries(f)) {
    if (typeof v === 'string') checkedText(`filter.${k}`, v)
    // A list that names nothing would select nothing; REST refuses `type=` the same way.
    if (Array.isArray(v) && v.length === 0) throw new InvalidParameterError(`filter.${k}: give at least one value, or leave the filter out`)
  }
  for (const k of ['minKilled', 'maxKilled', 'minDisplaced', 'maxDisplaced']) {
    if (f[k] != null && (f[k] as number) < 0) throw new InvalidParameterError(`filter.${k}: must be 0 or more`)
  }
  const problem = filterPairProblem(f, 'filter.')
  if (problem) throw new InvalidParameterError(problem)
  // GraphQL gives null for fields set to null; the query layer treats undefined as "no filter".
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v != null)) as T
}

/**
 * A Relay connection over a keyset page. Page flags, cursors and the count are resolved by the
 * PageInfo and *Connection resolvers, so the probes and the count run only when selected; a
 * nested connection passes a batched count instead of the page's own.
 */
export interface Connection<T> { page: KeysetPage<T>, nodes: T[], edges: { cursor: string, node: T }[], totalCount: () => number | Promise<number> }

/**
 * Rows are read when nodes or edges are resolved, so a count-only query runs no page query. A class
 * rather than an object of getters and closures: a page of events makes one per event and relation.
 */
export class PageConnection<T> implements Connection<T> {
  constructor(readonly page: KeysetPage<T>, private readonly countOf?: () => number | Promise<number>) {}
  get nodes(): T[] { return this.page.rows }
  get edges(): { cursor: string, node: T }[] { return this.page.rows.map((node) => ({ cursor: this.page.cursorOf(node), node })) }
  totalCount(): number | Promise<number> { return this.countOf ? this.countOf() : this.page.count() }
}

export function connection<T>(page: KeysetPage<T>, count?: () => Promise<number>): Connection<T> {
  return new PageConnection(page, count)
}

export const connectionResolvers = {
  totalCount: (c: Connection<unknown>) => c.totalCount(),
  pageInfo: (c: Connection<unknown>) => c,
}

/** A page that is not a keyset connection (stats groups) gives its page info as plain fields. */
interface PlainPageInfo { hasNextPage: boolean, hasPreviousPage?: boolean, startCursor?: string | null, endCursor: string | null }
type PageInfoParent = Connection<unknown> | PlainPageInfo
const plain = (c: PageInfoParent): c is PlainPageInfo => !('page' in c)

export const pageInfoResolvers = {
  hasNextPage: (c: PageInfoParent) => (plain(c) ? c.hasNextPage : c.page.hasNext()),
  hasPreviousPage: (c: PageInfoParent) => (plain(c) ? c.hasPreviousPage ?? false : c.page.hasPrevious()),
  startCursor: (c: PageInfoParent) => (plain(c) ? c.startCursor ?? null : c.edges[0]?.cursor ?? null),
  endCursor: (c: PageInfoParent) => (plain(c) ? c.endCursor : c.edges[c.edges.length - 1]?.cursor ?? null),
}

/** Orders loader results as the loader's queries were ordered. */
export function byKey<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string | null): (T | null)[] {
  const map = new Map<string, T>()
  for (const r of rows) { const k = keyOf(r); if (k !== null) map.set(k, r) }
  return keys.map((k) => map.get(k) ?? null)
}

export function groupedByKey<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>()
  for (const r of rows) { const k = keyOf(r); const l = map.get(k); if (l) l.push(r); else map.set(k, [r]) }
  return keys.map((k) => map.get(k) ?? [])
}
