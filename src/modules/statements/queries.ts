import type Database from 'better-sqlite3'
import { getTableColumns } from 'drizzle-orm'
import { DENSE_UPDATES, fewUpdatedSince } from '../../db/updates.ts'
import { cursorOf, IN_JSON, listPage, type KeysetPage, type ListSpec, type PageAt, type SortSpec, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { actors, statements } from '../../db/schema.ts'
import { selectList } from '../../db/projection.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { ftsQuery } from '../search/queries.ts'

/** A statement with its speaker's name, its date's sort key named for what it is, without the dataset version. */
export type StatementRow = Omit<typeof statements.$inferSelect, 'saidAtUtc' | 'version'> & { speakerName: string, saidAtSortKey: string }

export interface StatementFilters {
  speaker?: string | undefined, event?: string | undefined, medium?: string | undefined, from?: string | undefined,
  to?: string | undefined, q?: string | undefined, updatedSince?: string | undefined
}

const { version: _version, id, speakerId, ...said } = getTableColumns(statements)
const SELECT = `${selectList('s', { id, speakerId })}, ${selectList('a', { speakerName: actors.name })}, ${selectList('s', said, { saidAtUtc: 'saidAtSortKey' })}`
const FROM = 'statements s JOIN actors a ON a.id = s.speaker_id'

const BY_DATE: SortSpec = { name: 'statements:date', desc: false, columns: [{ expr: 's.said_at_utc', key: 'saidAtSortKey' }, { expr: 's.id', key: 'id' }] }

/** The cursor that resumes the statements listing right after `row`. */
export const statementCursorOf = (row: StatementRow) => cursorOf(BY_DATE, row)

export function listStatements(sqlite: Database.Database, f: StatementFilters, limit: number, cursor?: PageAt): KeysetPage<StatementRow> {
  return listPage<StatementRow>(sqlite, statementListing(sqlite, f, limit, cursor))
}

export { DENSE_UPDATES }

/**
 * What listStatements reads; `dense` is DENSE_UPDATES but for tests on small databases. Left to
 * itself SQLite reads updatedSince by walking the statements by date and checking each one: what
 * a sync client asks ("what changed since my last pull", a few rows) then read every statement,
 * 0.4 s at a million events. When fewer than `dense` statements were updated since, they are
 * gathered through statements_updated_idx and sorted; more, and the walk finds a page soon. Words,
 * a speaker or an event narrow better through their own indexes.
 */
export function statementListing(sqlite: Database.Database, f: StatementFilters, limit: number, cursor?: PageAt, dense = DENSE_UPDATES): ListSpec {
  const spec = statementListSpec(f, limit, cursor)
  if (!f.updatedSince || f.q || f.speaker || f.event) return spec
  if (fewUpdatedSince(sqlite, 'statements', 'statements_updated_idx', f.updatedSince, dense)) return { ...spec, from: 'statements s INDEXED BY statements_updated_idx JOIN actors a ON a.id = s.speaker_id' }
  // The unary + keeps the planner walking by date, as it does at a million statements anyway.
  return { ...spec, where: spec.where.map((w) => (w === UPDATED_SINCE ? `+${w}` : w)) }
}

const UPDATED_SINCE = 's.updated_at >= ?'

/** The statements listing as a spec; with ownerPages keyed by `s.speaker_id` it pages each speaker's. */
export function statementListSpec(f: StatementFilters, limit: number, cursor?: PageAt): ListSpec {
  const where: string[] = [], params: SqlValue[] = []
  if (f.speaker) { where.push('s.speaker_id = ?'); params.push(f.speaker) }
  if (f.medium) { where.push('s.medium = ?'); params.push(f.medium) }
  if (f.event) { where.push('s.id IN (SELECT statement_id FROM statement_events WHERE event_id = ?)'); params.push(f.event) }
  if (f.from) { where.push('s.said_at_utc >= ?'); params.push(lowerBound(f.from)) }
  if (f.to) { where.push('s.said_at_utc < ?'); params.push(upperBoundExclusive(f.to)) }
  // Matches map to statements through search_keys' rowid index: reading record_id from the FTS
  // content table costs a lookup per match (1.1 s warm, 6 s cold, for a common word at a million events).
  if (f.q) {
    where.push(`s.id IN (SELECT k.record_id FROM search_index JOIN search_keys k ON k.fts_rowid = search_index.rowid
      WHERE search_index MATCH ? AND k.record_type = 'statement')`)
    params.push(ftsQuery(f.q))
  }
  if (f.updatedSince) { where.push(UPDATED_SINCE); params.push(lowerBound(f.updatedSince)) }
  // The speaker is joined for its name only: no filter reads it, so counts skip the join.
  return { from: FROM, select: SELECT, where, params, limit, cursor, sort: BY_DATE, count: { from: 'statements s', where, params } }
}

/** Statements about events, for ownerPages/countByOwner keyed by `se.event_id`. */
export function eventStatementsSpec(limit: number, cursor?: PageAt): ListSpec {
  return { from: 'statement_events se JOIN statements s ON s.id = se.statement_id JOIN actors a ON a.id = s.speaker_id', select: SELECT, where: [], params: [], limit, cursor, sort: BY_DATE }
}

export function getStatement(sqlite: Database.Database, id: string): StatementRow | undefined {
  return prepared(sqlite, `SELECT ${SELECT} FROM ${FROM} WHERE s.id = ?`).get(id) as StatementRow | undefined
}

/** Statements about a batch of events, each tagged with the event it was asked for. */
export function statementsOfEvents(sqlite: Database.Database, eventIds: readonly string[]): (StatementRow & { eventId: string })[] {
  return prepared(sqlite, `SELECT se.event_id AS eventId, ${SELECT} FROM statement_events se
    JOIN statements s ON s.id = se.statement_id JOIN actors a ON a.id = s.speaker_id
    WHERE se.event_id IN ${IN_JSON} ORDER BY s.said_at_utc, s.id`).all(JSON.stringify(eventIds)) as (StatementRow & { eventId: string })[]
}

export function statementsBySpeakers(sqlite: Database.Database, speakerIds: readonly string[]): StatementRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM ${FROM} WHERE s.speaker_id IN ${IN_JSON} ORDER BY s.said_at_utc, s.id`)
    .all(JSON.stringify(speakerIds)) as StatementRow[]
}

export function statementsByIds(sqlite: Database.Database, ids: readonly string[]): StatementRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM ${FROM} WHERE s.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as StatementRow[]
}
