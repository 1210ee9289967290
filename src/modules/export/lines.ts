import type Database from 'better-sqlite3'
import type { SqlValue } from '../../db/keyset.ts'
import { COLUMNS, exportCountQuery, exportSource, isSlice, whereSql, type ExportFilters, type ExportResource } from './plan.ts'

/**
 * Resources whose JSON SQLite writes itself. Building the text in SQLite and reading one string
 * per page is about three times faster than making a JS object per row and stringifying it. The
 * others stay in JS: actors and places keep `aliases` as JSON text, and places hold REAL
 * coordinates, which SQLite prints as `40.0` or `1.0e-06` where JSON.stringify prints `40` and
 * `1e-6`. Integers and text come out byte for byte as JSON.stringify writes them.
 */
export const SQL_JSON = new Set<ExportResource>([
  'sources', 'events', 'eventActors', 'casualtyReports', 'displacementCounts', 'statements', 'statementEvents', 'citations', 'externalIds',
])

/**
 * Rows per page: about 100 KB of events, built in well under a millisecond, so a reader of one
 * record waits little behind a page of an export.
 */
export const PAGE_ROWS = 256
/** Rows per step when counting a whole table, so no single count holds the event loop. */
export const COUNT_ROWS = 10_000

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`

/** `json_object('id', id, 'eventId', event_id, ...)` with the keys in the order of COLUMNS. */
export function jsonObjectSql(resource: ExportResource): string {
  const pairs = COLUMNS[resource].split(',').map((c) => {
    const [expr, alias] = c.trim().split(/\s+AS\s+/i) as [string, string | undefined]
    return `${literal(alias ?? expr.replaceAll('"', ''))}, ${expr}`
  })
  return `json_object(${pairs.join(', ')})`
}

/** No filter at all: the export is every row of every table, in the order of its index. */
export const isWhole = (f: ExportFilters) => !isSlice(f) && !f.updatedSince

export interface Page { rows: number, text: string }

/** Each row as `prefix + record JSON + suffix`, built by SQLite; one statement per call. */
function lineSql(resource: ExportResource, prefix: string, suffix: string): string {
  return `${literal(prefix)} || ${jsonObjectSql(resource)} || ${literal(suffix)}`
}

/**
 * The lines of one resource, a page at a time. The whole dataset is read in keyset pages over
 * the export order (each page one `group_concat` string, so there is no per-row cost in JS and
 * no statement stays open between pages); the snapshot's read transaction keeps the pages one
 * version. A filtered export is one statement, iterated: a slice has subqueries SQLite would
 * rebuild for every page, and `updatedSince` could make SQLite sort the matches again for each.
 * On a shared connection, where no iterator may stay open, it is read whole. Each line must
 * hold one newline, in `prefix` or `suffix`: the next page's keys are read back after the last.
 */
export function* linePages(sqlite: Database.Database, resource: ExportResource, filters: ExportFilters, shared: boolean, prefix: string, suffix: string): Generator<Page> {
  const src = exportSource(resource, filters)
  const line = lineSql(resource, prefix, suffix)
  if (shared || !isWhole(filters)) {
    const stmt = sqlite.prepare(`SELECT ${line} FROM ${src.table}${whereSql(src.where)} ORDER BY ${src.order}`).pluck()
    let batch: string[] = []
    for (const text of (shared ? stmt.all(...src.params) : stmt.iterate(...src.params)) as Iterable<string>) {
      batch.push(text)
      if (batch.length >= PAGE_ROWS) { yield { rows: batch.length, text: batch.join('') }; batch = [] }
    }
    if (batch.length) yield { rows: batch.length, text: batch.join('') }
    return
  }
  // The subquery's ORDER BY keeps the rows in export order: SQLite does not flatten an ordered
  // subquery into an aggregate, so group_concat sees them as the subquery returns them.
  const cols = src.order
  const page = (after: boolean) => sqlite.prepare(`SELECT count(*), group_concat(line, '') FROM (SELECT ${line} AS line FROM ${src.table}`
    + `${whereSql([...src.where, ...(after ? [afterKey(cols)] : [])])} ORDER BY ${cols} LIMIT ${PAGE_ROWS})`).raw()
  const first = page(false)
  const next = page(true)
  // The next page starts after the last key of this one, read back from its last record: JSON
  // text holds no raw newline, so that record is what follows the last newline of the page.
  const keyNames = cols.split(',').map((c) => aliasOf(resource, c.trim()))
  const lead = prefix.slice(prefix.lastIndexOf('\n') + 1)
  let after: SqlValue[] | undefined
  for (;;) {
    const [rows, text] = (after ? next.get(...src.params, ...after) : first.get(...src.params)) as [number, string | null]
    if (!rows) return
    yield { rows, text: text! }
    if (rows < PAGE_ROWS) return
    const end = text!.length - suffix.length
    const last = JSON.parse(text!.slice(text!.lastIndexOf('\n', end - 1) + 1 + lead.length, end)) as Record<string, SqlValue>
    after = keyNames.map((k) => last[k]!)
  }
}

/** The JSON key a column of the export order is written under. */
function aliasOf(resource: ExportResource, column: string): string {
  for (const c of COLUMNS[resource].split(',')) {
    const [expr, alias] = c.trim().split(/\s+AS\s+/i) as [string, string | undefined]
    if (expr.replaceAll('"', '') === column) return alias ?? column
  }
  throw new Error(`${column} is not a column of the ${resource} export`)
}

/** The rows after a key of the export order: a row value, which SQLite seeks in the order index. */
const afterKey = (cols: string) => `(${cols}) > (${cols.split(',').map(() => '?').join(', ')})`

interface Step { after?: SqlValue[], last?: SqlValue[] }

/**
 * Walks the export order of a whole table in steps of `size` rows: each step is the keys after
 * the previous step's last key up to its own last key (none on the final step). Finding a step's
 * last key reads the order index only.
 */
function* keySteps(sqlite: Database.Database, table: string, where: string[], cols: string, size: number): Generator<Step> {
  const lastOf = (after: boolean) => sqlite.prepare(`SELECT ${cols} FROM ${table}${whereSql([...where, ...(after ? [afterKey(cols)] : [])])}`
    + ` ORDER BY ${cols} LIMIT 1 OFFSET ${size - 1}`).raw()
  const first = lastOf(false)
  const next = lastOf(true)
  let after: SqlValue[] | undefined
  for (;;) {
    const last = (after ? next.get(...after) : first.get()) as SqlValue[] | undefined
    yield { after, last }
    if (!last) return
    after = last
  }
}

/**
 * Counts a resource. A whole table is counted in steps along its order index, each step a
 * separate call that waits for the event loop to turn between them: one count(*) of three
 * million rows holds the thread for a quarter of a second.
 */
export async function countRows(sqlite: Database.Database, resource: ExportResource, filters: ExportFilters, turn: () => Promise<unknown>, stepRows = COUNT_ROWS): Promise<number> {
  if (!isWhole(filters)) {
    const q = exportCountQuery(resource, filters)
    return (sqlite.prepare(q.sql).pluck().get(...q.params) as number)
  }
  // A whole export has no parameters: its only conditions are the rows a resource never exports.
  const { table, where, order } = exportSource(resource, filters)
  const rest = sqlite.prepare(`SELECT count(*) FROM ${table}${whereSql([...where, afterKey(order)])}`).pluck()
  let n = 0
  for (const step of keySteps(sqlite, table, where, order, stepRows)) {
    if (step.last) n += stepRows
    else n += step.after ? rest.get(...step.after) as number : sqlite.prepare(`SELECT count(*) FROM ${table}${whereSql(where)}`).pluck().get() as number
    await turn()
  }
  return n
}
