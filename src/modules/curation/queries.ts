import type Database from 'better-sqlite3'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { IN_JSON, type ListSpec, type PageAt } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { citations, deletions, revisions } from '../../db/schema.ts'
import { statements, verbatim } from '../../db/typed.ts'

export interface RevisionRow {
  recordId: string, id: number, operation: string, keyName: string, at: string, datasetVersion: number,
  before: string | null, after: string | null
}

/** The revisions of records of one type, oldest first, for ownerPages keyed by `r.record_id`. */
export function revisionsSpec(recordType: string, limit: number, cursor?: PageAt): ListSpec {
  return {
    from: 'revisions r',
    select: `r.record_id AS recordId, r.id AS id, r.operation AS operation, r.key_name AS keyName, r.at AS at,
      r.dataset_version AS datasetVersion, r.before AS before, r.after AS after`,
    where: ['r.record_type = ?'], params: [recordType], limit, cursor,
    sort: { name: 'revisions:id', desc: false, columns: [{ expr: 'r.id', key: 'id' }] },
  }
}

/** The dataset version of each record's last write, which is what its ETag names. */
export function versionsOf(sqlite: Database.Database, table: string, ids: readonly string[]): { id: string, version: number }[] {
  return prepared(sqlite, `SELECT id, version FROM ${table} WHERE id IN ${IN_JSON}`).all(JSON.stringify(ids)) as { id: string, version: number }[]
}

const p = sql.placeholder
/** The rows of one record in a table keyed by record type and id. */
const ofRecord = (t: { recordType: SQLiteColumn, recordId: SQLiteColumn }) =>
  and(eq(t.recordType, p('recordType')), eq(t.recordId, p('recordId')))

/**
 * The write engine's bookkeeping (revisions, tombstones, citations): fixed statements whose row types
 * follow the schema. Drizzle adds about 2 µs to an insert of eight values, against the few hundred
 * µs a write takes in its transaction (docs/queries.md).
 */
export const bookkeeping = statements((db) => ({
  // The engine stores the JSON text itself: see `verbatim`.
  addRevision: db.insert(revisions).values({
    recordType: p('recordType'), recordId: p('recordId'), operation: p('operation'), keyId: p('keyId'), keyName: p('keyName'),
    datasetVersion: p('datasetVersion'), before: verbatim('before'), after: verbatim('after'),
  }).prepare(),
  /** Oldest first; `before` and `after` come back parsed. */
  revisionsOf: db.select({
    id: revisions.id, operation: revisions.operation, keyName: revisions.keyName, at: revisions.at,
    datasetVersion: revisions.datasetVersion, before: revisions.before, after: revisions.after,
  }).from(revisions).where(ofRecord(revisions)).orderBy(asc(revisions.id)).prepare(),
  lastRevision: db.select({ operation: revisions.operation, before: revisions.before })
    .from(revisions).where(ofRecord(revisions)).orderBy(desc(revisions.id)).limit(1).prepare(),
  addTombstone: db.insert(deletions).values({
    recordType: p('recordType'), recordId: p('recordId'), deletedAt: p('deletedAt'), version: p('version'),
  }).prepare(),
  dropTombstone: db.delete(deletions).where(ofRecord(deletions)).prepare(),
  tombstone: db.select({ id: deletions.id }).from(deletions).where(ofRecord(deletions)).limit(1).prepare(),
  citationIds: db.select({ id: citations.id }).from(citations).where(ofRecord(citations)).prepare(),
  dropCitations: db.delete(citations).where(ofRecord(citations)).prepare(),
  addCitation: db.insert(citations).values({
    recordType: p('recordType'), recordId: p('recordId'), sourceId: p('sourceId'), paragraph: p('paragraph'), locator: p('locator'), quote: p('quote'),
  }).prepare(),
}))
