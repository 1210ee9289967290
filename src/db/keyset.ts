import type Database from 'better-sqlite3'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { prepared } from './prepared.ts'

export type SqlValue = string | number | null

/** A sort: the columns (all non-null, the last one unique) that order and key the rows. */
export interface SortSpec {
  name: string
  columns: { expr: string, key: string }[]
  desc: boolean
}

export interface ListSpec {
  from: string
  select: string
  where: string[]
  params: SqlValue[]
  sort: SortSpec
  cursor?: string | undefined
  limit: number
}

export interface Page<T> { rows: T[], nextCursor: string | null }
export interface KeysetPage<T> extends Page<T> { cursorOf(row: T): string }

/** The cursor that resumes a listing right after `row`; GraphQL edges carry one each. */
export function cursorOf(sort: SortSpec, row: object): string {
  const r = row as Record<string, unknown>
  return encodeCursor(sort.name, sort.columns.map((c) => r[c.key] as SqlValue))
}

/**
 * Runs a keyset-paginated query. Filters arrive as fixed SQL fragments with `?` parameters, so each
 * combination of filters is one SQL string, prepared once and reused (see prepared()).
 */
/** The SQL and parameters of one page; listPage runs it, and a test reads its query plan. */
export function listSql(spec: ListSpec): { sql: string, params: SqlValue[] } {
  const where = [...spec.where]
  const params = [...spec.params]
  const cols = spec.sort.columns
  if (spec.cursor) {
    const values = decodeCursor(spec.cursor, spec.sort.name, cols.length)
    where.push(`(${cols.map((c) => c.expr).join(', ')}) ${spec.sort.desc ? '<' : '>'} (${cols.map(() => '?').join(', ')})`)
    params.push(...values)
  }
  const dir = spec.sort.desc ? 'DESC' : 'ASC'
  const sql = `SELECT ${spec.select} FROM ${spec.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
    + ` ORDER BY ${cols.map((c) => `${c.expr} ${dir}`).join(', ')} LIMIT ?`
  return { sql, params: [...params, spec.limit + 1] }
}

export function listPage<T extends object>(sqlite: Database.Database, spec: ListSpec): KeysetPage<T> {
  const { sql, params } = listSql(spec)
  const rows = prepared(sqlite, sql).all(...params) as T[]
  let nextCursor: string | null = null
  if (rows.length > spec.limit) {
    rows.length = spec.limit
    nextCursor = cursorOf(spec.sort, rows[rows.length - 1]!)
  }
  return { rows, nextCursor, cursorOf: (row: T) => cursorOf(spec.sort, row) }
}

export function countRows(sqlite: Database.Database, spec: Pick<ListSpec, 'from' | 'where' | 'params'>): number {
  const sql = `SELECT count(*) AS n FROM ${spec.from}${spec.where.length ? ` WHERE ${spec.where.join(' AND ')}` : ''}`
  return (prepared(sqlite, sql).get(...spec.params) as { n: number }).n
}

/** Binds a list of ids as one JSON parameter, so one prepared statement serves any batch size. */
export const IN_JSON = '(SELECT value FROM json_each(?))'

/** Case-insensitive substring match on a name and its JSON alias list, with LIKE wildcards escaped. */
export function nameOrAliasLike(alias: string, q: string): { sql: string, params: SqlValue[] } {
  const like = `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
  return { sql: `(${alias}.name LIKE ? ESCAPE '\\' OR ${alias}.aliases LIKE ? ESCAPE '\\')`, params: [like, like] }
}
