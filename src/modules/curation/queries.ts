import type Database from 'better-sqlite3'
import { IN_JSON, type ListSpec, type PageAt } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'

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
    sort: { name: 'id', desc: false, columns: [{ expr: 'r.id', key: 'id' }] },
  }
}

/** The dataset version of each record's last write, which is what its ETag names. */
export function versionsOf(sqlite: Database.Database, table: string, ids: readonly string[]): { id: string, version: number }[] {
  return prepared(sqlite, `SELECT id, version FROM ${table} WHERE id IN ${IN_JSON}`).all(JSON.stringify(ids)) as { id: string, version: number }[]
}
