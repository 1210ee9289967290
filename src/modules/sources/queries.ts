import type Database from 'better-sqlite3'
import { eq, getTableColumns, sql } from 'drizzle-orm'
import { IN_JSON, listPage, type KeysetPage, type PageAt, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { selectList } from '../../db/projection.ts'
import { sources } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import type { RecordType } from '../../domain/vocabulary.ts'
import { lowerBound } from '../../domain/dates.ts'

/** A source as the API gives it: its columns but the dataset version of its last write. */
export type SourceRow = Omit<typeof sources.$inferSelect, 'version'>

export interface CitationRow {
  recordType: string, recordId: string, paragraph: number | null, locator: string, quote: string | null,
  source: { id: string, publisher: string, title: string | null, url: string | null, publishedDate: string }
}

const { version: _version, ...shown } = getTableColumns(sources)
const SELECT = selectList('s', shown)

export function listSources(sqlite: Database.Database, f: { updatedSince?: string | undefined }, limit: number, cursor?: PageAt): KeysetPage<SourceRow> {
  const where: string[] = [], params: SqlValue[] = []
  if (f.updatedSince) { where.push('s.updated_at >= ?'); params.push(lowerBound(f.updatedSince)) }
  return listPage<SourceRow>(sqlite, {
    from: 'sources s', select: SELECT, where, params, limit, cursor,
    sort: { name: 'sources:id', desc: false, columns: [{ expr: 's.id', key: 'id' }] },
  })
}

const typed = statements((db) => ({
  byId: db.select(shown).from(sources).where(eq(sources.id, sql.placeholder('id'))).prepare(),
}))

export const getSource = (sqlite: Database.Database, id: string): SourceRow | undefined => typed(sqlite).byId.get({ id })

export function sourcesByIds(sqlite: Database.Database, ids: readonly string[]): SourceRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM sources s WHERE s.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as SourceRow[]
}

/** Citations with their source for a batch of records of one type, in one statement. */
export function citationsFor(sqlite: Database.Database, type: RecordType, ids: readonly string[]): CitationRow[] {
  const rows = prepared(sqlite, `SELECT c.record_type AS recordType, c.record_id AS recordId, c.paragraph AS paragraph,
      c.locator AS locator, c.quote AS quote, s.id AS sourceId, s.publisher AS publisher, s.title AS title, s.url AS url,
      s.published_date AS publishedDate
    FROM citations c JOIN sources s ON s.id = c.source_id
    WHERE c.record_type = ? AND c.record_id IN ${IN_JSON} ORDER BY c.record_id, c.paragraph, c.id`)
    .all(type, JSON.stringify(ids)) as (Omit<CitationRow, 'source'> & { sourceId: string, publisher: string, title: string | null, url: string | null, publishedDate: string })[]
  return rows.map(({ sourceId, publisher, title, url, publishedDate, ...c }) => ({
    ...c, source: { id: sourceId, publisher, title, url, publishedDate },
  }))
}

/** Groups citations by record id, in the order of `ids`; records without citations get []. */
export function citationsByRecord(sqlite: Database.Database, type: RecordType, ids: readonly string[]): CitationRow[][] {
  const byId = new Map<string, CitationRow[]>()
  for (const c of citationsFor(sqlite, type, ids)) {
    const list = byId.get(c.recordId)
    if (list) list.push(c)
    else byId.set(c.recordId, [c])
  }
  return ids.map((id) => byId.get(id) ?? [])
}
