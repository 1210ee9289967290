import type Database from 'better-sqlite3'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { allRows, prepared } from './prepared.ts'

export type SqlValue = string | number | null

/** A sort: the columns (all non-null, the last one unique) that order and key the rows. */
export interface SortSpec {
  name: string
  /** The columns in order; a column holding numbers says so (the others hold text). None holds null. */
  columns: { expr: string, key: string, numeric?: boolean }[]
  desc: boolean
}

/** A cursor's values for a sort, checked against the kind of each column; none may be null, as no column holds one. */
function cursorValues(sort: SortSpec, cursor: string): SqlValue[] {
  return decodeCursor(cursor, sort.name, sort.columns.length, sort.columns.map((c) => (c.numeric ? 'number' : 'string')), false)
}

/**
 * Where a page lies: after one cursor and/or before another, taken from the start (`first`) or
 * from the end (`last`). REST passes a bare `after` cursor; GraphQL connections use all of it.
 */
export interface PageWindow { after?: string | undefined, before?: string | undefined, fromEnd?: boolean | undefined }
export type PageAt = string | PageWindow | undefined

export interface ListSpec {
  from: string
  select: string
  where: string[]
  params: SqlValue[]
  sort: SortSpec
  cursor?: PageAt
  limit: number
  /**
   * What `count()` counts, when it can skip joins the page needs only for its columns (a join
   * along a non-null foreign key changes no count); the same filters, the same rows.
   */
  count?: Pick<ListSpec, 'from' | 'where' | 'params'> | undefined
  /**
   * `select` is one expression, each row's fields as a JSON object text (holding the sort's keys):
   * the page's texts are parsed in one go.
   */
  rowJson?: boolean | undefined
  /**
   * With `rowJson`, a second column read beside each row's object: JSON text or null, set on the
   * row under `key`. Joined to the object's text in JavaScript, where SQLite's concatenation of
   * the two texts cost more than reading them.
   */
  beside?: { key: string, expr: string } | undefined
}

export interface Page<T> { rows: T[], nextCursor: string | null }
export interface KeysetPage<T> extends Page<T> {
  cursorOf(row: T): string
  /** Rows exist before the first row of this page, under the same filters. */
  hasPrevious(): boolean
  /** Rows exist after the last row of this page, under the same filters. */
  hasNext(): boolean
  /** Rows matching the filters, whatever the window; runs its count only when called. */
  count(): number
}

const windowOf = (at: PageAt): PageWindow => (typeof at === 'string' ? { after: at } : at ?? {})

/** The cursor that resumes a listing right after `row`; GraphQL edges carry one each. */
export function cursorOf(sort: SortSpec, row: object): string {
  const r = row as Record<string, unknown>
  return encodeCursor(sort.name, sort.columns.map((c) => r[c.key] as SqlValue))
}

/** A row-value comparison against a cursor: `>` means "after it in this sort's order". */
function beyond(sort: SortSpec, cursor: string, side: 'after' | 'before' | 'upto' | 'from'): { sql: string, params: SqlValue[] } {
  const cols = sort.columns
  const values = cursorValues(sort, cursor)
  const later = sort.desc ? '<' : '>', earlier = sort.desc ? '>' : '<'
  const op = { after: later, before: earlier, upto: `${earlier}=`, from: `${later}=` }[side]
  return { sql: `(${cols.map((c) => c.expr).join(', ')}) ${op} (${cols.map(() => '?').join(', ')})`, params: values }
}

function whereSql(where: string[]): string {
  return where.length ? ` WHERE ${where.join(' AND ')}` : ''
}

/**
 * The SQL and parameters of one page; listPage runs it, and a test reads its query plan. Filters
 * arrive as fixed SQL fragments with `?` parameters, so each combination of filters is one SQL
 * string, prepared once and reused (see prepared()). A page taken from the end is read in reverse
 * order through the same index and turned round afterwards.
 */
export function listSql(spec: ListSpec): { sql: string, params: SqlValue[] } {
  const w = windowOf(spec.cursor)
  const where = [...spec.where]
  const params = [...spec.params]
  for (const [side, cursor] of [['after', w.after], ['before', w.before]] as const) {
    if (!cursor) continue
    const b = beyond(spec.sort, cursor, side)
    where.push(b.sql)
    params.push(...b.params)
  }
  const desc = spec.sort.desc !== Boolean(w.fromEnd)
  const sql = `SELECT ${spec.select}${spec.beside ? `, ${spec.beside.expr}` : ''} FROM ${spec.from}${whereSql(where)}`
    + ` ORDER BY ${spec.sort.columns.map((c) => `${c.expr} ${desc ? 'DESC' : 'ASC'}`).join(', ')} LIMIT ?`
  return { sql, params: [...params, spec.limit + 1] }
}

/** Whether any row matching the filters lies on the far side of a cursor: one indexed probe. */
function existsBeyond(sqlite: Database.Database, spec: ListSpec, cursor: string, side: 'upto' | 'from'): boolean {
  const b = beyond(spec.sort, cursor, side)
  return prepared(sqlite, `SELECT 1 FROM ${spec.from}${whereSql([...spec.where, b.sql])} LIMIT 1`).get(...spec.params, ...b.params) !== undefined
}

/**
 * One page. The rows are read on first use, not before: a GraphQL query that selects only
 * `totalCount` never runs the page query, which can cost more than the count (a sort over every
 * match). Cursors are decoded at once, so a bad one is refused whatever is selected.
 */
export function listPage<T extends object>(sqlite: Database.Database, spec: ListSpec): KeysetPage<T> {
  const { sql, params } = listSql(spec)
  return new ListPage<T>(sqlite, spec, windowOf(spec.cursor), sql, params)
}

/**
 * listPage's page. A class, its getters on the prototype: an object literal with getters made per
 * call gets a hidden class of its own each time, which cost about 0.1 ms a page in the collector
 * (a page of 50 events, read and parsed, in about 0.1 ms more). The methods stay bound to the page,
 * as callers pass them on alone.
 */
class ListPage<T extends object> implements KeysetPage<T> {
  private read: { rows: T[], more: boolean } | undefined

  constructor(private readonly sqlite: Database.Database, private readonly spec: ListSpec, private readonly w: PageWindow,
    private readonly sql: string, private readonly params: SqlValue[]) {}

  private load(): { rows: T[], more: boolean } {
    if (this.read) return this.read
    const { sqlite, spec, sql, params } = this
    const rows = spec.beside ? parsedWithBeside<T>(prepared(sqlite, sql).raw(true).all(...params) as [string, string | null][], spec.beside.key)
      : spec.rowJson ? parsedRows<T>(prepared(sqlite, sql).pluck(true).all(...params) as string[])
        : allRows<T>(prepared(sqlite, sql), params)
    const more = rows.length > spec.limit
    if (more) rows.length = spec.limit
    if (this.w.fromEnd) rows.reverse()
    return (this.read = { rows, more })
  }

  get rows(): T[] { return this.load().rows }

  get nextCursor(): string | null {
    const { rows, more } = this.load()
    return !this.w.fromEnd && more ? this.cursorOf(rows[rows.length - 1]!) : null
  }

  readonly cursorOf = (row: T): string => cursorOf(this.spec.sort, row)
  // Going forward, the page's own overflow row answers hasNext and a probe behind `after` answers
  // hasPrevious; going backward, the other way round. Probes run only when asked for.
  readonly hasNext = (): boolean => (this.w.fromEnd ? (this.w.before ? existsBeyond(this.sqlite, this.spec, this.w.before, 'from') : false) : this.load().more)
  readonly hasPrevious = (): boolean => (this.w.fromEnd ? this.load().more : (this.w.after ? existsBeyond(this.sqlite, this.spec, this.w.after, 'upto') : false))
  readonly count = (): number => countRows(this.sqlite, this.spec.count ?? this.spec)
}

/** Rows given as JSON object texts, parsed as one array. */
const parsedRows = <T>(texts: string[]): T[] => (texts.length ? JSON.parse(`[${texts.join(',')}]`) as T[] : [])

/**
 * Rows given as JSON object texts (each with at least one field, as json_object writes them) and
 * a JSON text or null for each, put in front of the object's fields under `key`; parsed at once.
 */
function parsedWithBeside<T>(rows: [string, string | null][], key: string): T[] {
  if (rows.length === 0) return []
  const head = `{${JSON.stringify(key)}:`
  let text = '['
  for (let i = 0; i < rows.length; i++) {
    const [object, beside] = rows[i]!
    text += `${i ? ',' : ''}${head}${beside ?? 'null'},${object.slice(1)}`
  }
  return JSON.parse(`${text}]`) as T[]
}

/** A page written by SQLite as the text of a JSON array's members, with the cursor that follows it. */
export interface JsonPage { json: string, count: number, nextCursor: string | null }

/** The SQL and parameters jsonPage runs; a test reads its plan. */
export const jsonPageSql = (spec: ListSpec, json: string) => listSql({ ...spec, select: `${json} AS json` })

/**
 * One forward page as JSON text: SQLite writes each row (`json`, an expression over the row whose
 * object holds the sort's keys under their `key` names) and the event loop joins the texts, instead
 * of building an object per row and serialising it (a list of 50 events: about a third less time).
 * The row read past the page, to know whether another follows, is dropped, and the cursor is read
 * back from the page's last row.
 */
export function jsonPage(sqlite: Database.Database, spec: ListSpec & { cursor?: string | undefined }, json: string): JsonPage {
  const { sql, params } = jsonPageSql(spec, json)
  const rows = prepared(sqlite, sql).pluck(true).all(...params) as string[]
  const more = rows.length > spec.limit
  if (more) rows.length = spec.limit
  const nextCursor = more ? cursorOf(spec.sort, JSON.parse(rows[rows.length - 1]!) as object) : null
  return { json: rows.join(','), count: rows.length, nextCursor }
}

export function countRows(sqlite: Database.Database, spec: Pick<ListSpec, 'from' | 'where' | 'params'>): number {
  return (prepared(sqlite, `SELECT count(*) AS n FROM ${spec.from}${whereSql(spec.where)}`).get(...spec.params) as { n: number }).n
}

/** Binds a list of ids as one JSON parameter, so one prepared statement serves any batch size. */
export const IN_JSON = '(SELECT value FROM json_each(?))'

/** The most ids idRows binds one by one; larger batches go as JSON. */
const ID_ROWS_MAX = 256
const idRowsSql = new Map<number, string>()

/**
 * A batch of ids as a table `(key, value)` to join, `key` numbering them from 0: its rows are bound
 * one parameter each, which SQLite joins on faster than on json_each's (the actors of 50 events:
 * 237 µs through json_each, 164 µs so). The list is padded with NULLs, which match nothing, to a
 * power of two, so a statement has at most nine forms; past 256 ids it takes json_each's one.
 */
export function idRows(ids: readonly string[]): { sql: string, params: (string | null)[] } {
  if (ids.length > ID_ROWS_MAX) return { sql: '(SELECT key, value FROM json_each(?))', params: [JSON.stringify(ids)] }
  let size = 1
  while (size < ids.length) size *= 2
  let sql = idRowsSql.get(size)
  if (!sql) {
    sql = `(SELECT column1 AS key, column2 AS value FROM (VALUES ${Array.from({ length: size }, (_, i) => `(${i}, ?)`).join(', ')}))`
    idRowsSql.set(size, sql)
  }
  const params: (string | null)[] = [...ids]
  while (params.length < size) params.push(null)
  return { sql, params }
}

/** Case-insensitive substring match on a name and its JSON alias list, with LIKE wildcards escaped. */
export function nameOrAliasLike(alias: string, q: string): { sql: string, params: SqlValue[] } {
  const like = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
  return { sql: `(${alias}.name LIKE ? ESCAPE '\\' OR ${alias}.aliases LIKE ? ESCAPE '\\')`, params: [like, like] }
}

/**
 * One page per owner (an actor's events, an event's statements) for a batch of owners, in one
 * statement: a window numbers each owner's rows in the sort's order and the first `limit + 1` of
 * each are kept. `ownerExpr` is the column the rows belong by; it is selected as `owner`.
 */
export function ownerPages<T extends object>(sqlite: Database.Database, spec: ListSpec, ownerExpr: string, owners: readonly string[]): Map<string, KeysetPage<T>> {
  const w = windowOf(spec.cursor)
  const where = [`${ownerExpr} IN ${IN_JSON}`, ...spec.where]
  const params: SqlValue[] = [JSON.stringify(owners), ...spec.params]
  for (const [side, cursor] of [['after', w.after], ['before', w.before]] as const) {
    if (!cursor) continue
    const b = beyond(spec.sort, cursor, side)
    where.push(b.sql)
    params.push(...b.params)
  }
  const desc = spec.sort.desc !== Boolean(w.fromEnd)
  const order = spec.sort.columns.map((c) => `${c.expr} ${desc ? 'DESC' : 'ASC'}`).join(', ')
  const stmt = prepared(sqlite, `SELECT * FROM (SELECT ${ownerExpr} AS owner, ${spec.select}, row_number() OVER (PARTITION BY ${ownerExpr} ORDER BY ${order}) AS n
    FROM ${spec.from}${whereSql(where)}) WHERE n <= ? ORDER BY owner, n`)
  const rows = allRows<T & { owner: string, n: number }>(stmt, [...params, spec.limit + 1])
  const byOwner = new Map<string, T[]>(owners.map((o) => [o, []]))
  for (const r of rows) byOwner.get(r.owner)?.push(r)
  return ownerPagesOf(sqlite, spec, ownerExpr, byOwner)
}

/**
 * The pages of ownerPages from rows already read: for each owner, its first `limit + 1` rows in
 * the page's order (reversed order when taken from the end).
 */
export function ownerPagesOf<T extends object>(sqlite: Database.Database, spec: ListSpec, ownerExpr: string, byOwner: Map<string, T[]>): Map<string, KeysetPage<T>> {
  const shared: OwnerPaging = { sqlite, spec, ownerExpr, w: windowOf(spec.cursor) }
  const out = new Map<string, KeysetPage<T>>()
  for (const [owner, list] of byOwner) {
    const more = list.length > spec.limit
    if (more) list.length = spec.limit
    if (shared.w.fromEnd) list.reverse()
    out.set(owner, new OwnerPage(list, more, owner, shared))
  }
  return out
}

interface OwnerPaging { sqlite: Database.Database, spec: ListSpec, ownerExpr: string, w: PageWindow }

/**
 * One owner's page. A page of events has one per event and relation, most of them empty, so the
 * paging state is shared and the probes and the count are methods rather than closures per page;
 * the side away from the paging direction is probed for this owner alone, and only when asked.
 */
class OwnerPage<T extends object> implements KeysetPage<T> {
  constructor(readonly rows: T[], private readonly more: boolean, private readonly owner: string, private readonly p: OwnerPaging) {}

  get nextCursor(): string | null {
    return !this.p.w.fromEnd && this.more ? this.cursorOf(this.rows[this.rows.length - 1]!) : null
  }

  cursorOf(row: T): string { return cursorOf(this.p.spec.sort, row) }

  hasNext(): boolean {
    const w = this.p.w
    return w.fromEnd ? (w.before ? existsBeyond(this.p.sqlite, this.own(this.p.spec), w.before, 'from') : false) : this.more
  }

  hasPrevious(): boolean {
    const w = this.p.w
    return w.fromEnd ? this.more : (w.after ? existsBeyond(this.p.sqlite, this.own(this.p.spec), w.after, 'upto') : false)
  }

  count(): number { return countRows(this.p.sqlite, this.own(this.p.spec.count ?? this.p.spec)) }

  /** The same filters narrowed to this owner. */
  private own<S extends Pick<ListSpec, 'where' | 'params'>>(spec: S): S {
    return { ...spec, where: [`${this.p.ownerExpr} = ?`, ...spec.where], params: [this.owner, ...spec.params] }
  }
}

/** Rows per owner under the same filters, for a batch of owners, in one grouped statement. */
export function countByOwner(sqlite: Database.Database, list: Pick<ListSpec, 'from' | 'where' | 'params' | 'count'>, ownerExpr: string, owners: readonly string[]): Map<string, number> {
  const spec = list.count ?? list
  const rows = prepared(sqlite, `SELECT ${ownerExpr} AS owner, count(*) AS n FROM ${spec.from}${whereSql([`${ownerExpr} IN ${IN_JSON}`, ...spec.where])} GROUP BY ${ownerExpr}`)
    .all(JSON.stringify(owners), ...spec.params) as { owner: string, n: number }[]
  return new Map(rows.map((r) => [r.owner, r.n]))
}

/** A page with each row converted (JSON columns parsed), still read only when first used. */
export function mapPage<R extends object, T>(page: KeysetPage<R>, convert: (row: R) => T): KeysetPage<T> {
  let rows: T[] | undefined
  return {
    get rows() { return (rows ??= page.rows.map(convert)) },
    get nextCursor() { return page.nextCursor },
    cursorOf: (row) => page.cursorOf(row as never),
    hasNext: page.hasNext,
    hasPrevious: page.hasPrevious,
    count: page.count,
  }
}

/** SQLite's order of values of mixed types (NULL, then numbers, then text by code point, as BINARY). */
function compareValues(a: SqlValue, b: SqlValue): number {
  const rank = (v: SqlValue) => (v === null ? 0 : typeof v === 'number' ? 1 : 2)
  if (rank(a) !== rank(b)) return rank(a) - rank(b)
  if (typeof a === 'number') return a - (b as number)
  if (typeof a !== 'string' || a === b) return 0
  const s = b as string
  // UTF-16 order differs from code point order only once a surrogate is met.
  for (let i = 0; i < a.length && i < s.length; i++) {
    if (a.charCodeAt(i) === s.charCodeAt(i)) continue
    const x = a.codePointAt(i)!, y = s.codePointAt(i)!
    return x - y
  }
  return a.length - s.length
}

/**
 * listPage over rows held in memory (a page of rows ranked in JavaScript): sorted by `sort` as
 * SQLite would sort them, cut with the same windows, cursors and probes.
 */
export function memoryPage<T extends object>(unsorted: readonly T[], sort: SortSpec, limit: number, at: PageAt, count: () => number): KeysetPage<T> {
  const w = windowOf(at)
  const keys = sort.columns.map((c) => c.key)
  const sign = sort.desc ? -1 : 1
  const cmp = (row: T, values: readonly SqlValue[]) => {
    for (let i = 0; i < keys.length; i++) {
      const d = compareValues((row as Record<string, SqlValue>)[keys[i]!]!, values[i]!)
      if (d) return sign * d
    }
    return 0
  }
  const rows = unsorted.length > 1 ? unsorted.map((r) => ({ r, k: keys.map((k) => (r as Record<string, SqlValue>)[k]!) }))
    .sort((a, b) => cmp(a.r, b.k)).map((x) => x.r) : unsorted
  const firstIndex = (test: (row: T) => boolean) => { let lo = 0, hi = rows.length; while (lo < hi) { const m = (lo + hi) >> 1; if (test(rows[m]!)) hi = m; else lo = m + 1 } return lo }
  const after = w.after ? cursorValues(sort, w.after) : undefined
  const before = w.before ? cursorValues(sort, w.before) : undefined
  const lo = after ? firstIndex((r) => cmp(r, after) > 0) : 0
  const hi = Math.max(lo, before ? firstIndex((r) => cmp(r, before) >= 0) : rows.length)
  const more = hi - lo > limit
  const page = w.fromEnd ? rows.slice(Math.max(lo, hi - limit), hi) : rows.slice(lo, Math.min(hi, lo + limit))
  const cursor = (row: T) => cursorOf(sort, row)
  return {
    rows: page,
    nextCursor: !w.fromEnd && more ? cursor(page[page.length - 1]!) : null,
    cursorOf: cursor,
    hasNext: () => (w.fromEnd ? hi < rows.length : more),
    hasPrevious: () => (w.fromEnd ? more : lo > 0),
    count,
  }
}
