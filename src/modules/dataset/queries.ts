import type Database from 'better-sqlite3'
import { readVersion } from '../../db/dataset.ts'
import { prepared } from '../../db/prepared.ts'
import { listPage, type SqlValue } from '../../db/keyset.ts'
import { lowerBound } from '../../domain/dates.ts'

/** How the data may be used and cited, naming the dataset version it comes with. */
export const licence = (version: number) => 'Facts compiled from the cited news report, each with its paragraph locator. '
  + `Cite as: Conflict Timeline API dataset, version ${version}, with the original source of each figure.`

const TABLES = {
  events: 'events', actors: 'actors', places: 'places', sources: 'sources', statements: 'statements',
  casualtyReports: 'casualty_reports', displacementCounts: 'displacement_counts', citations: 'citations',
} as const

export type RecordCounts = Record<keyof typeof TABLES, number>

export function datasetInfo(sqlite: Database.Database) {
  const counts = Object.fromEntries(Object.entries(TABLES).map(([key, table]) =>
    [key, (prepared(sqlite, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n])) as RecordCounts
  const v = readVersion(sqlite)
  return { version: v.version, updatedAt: v.updatedAt, counts, licence: licence(v.version) }
}

export interface DeletionRow { recordType: string, recordId: string, deletedAt: string }

/** Tombstones of deleted records, oldest first, so a copy can replay them in order. */
export function listDeletions(sqlite: Database.Database, since: string | undefined, limit: number, cursor?: string) {
  const where: string[] = [], params: SqlValue[] = []
  if (since) { where.push('d.deleted_at >= ?'); params.push(lowerBound(since)) }
  return listPage<DeletionRow & { id: number }>(sqlite, {
    from: 'deletions d', select: 'd.id AS id, d.record_type AS recordType, d.record_id AS recordId, d.deleted_at AS deletedAt',
    where, params, limit, cursor,
    sort: { name: 'deleted', desc: false, columns: [{ expr: 'd.deleted_at', key: 'deletedAt' }, { expr: 'd.id', key: 'id' }] },
  })
}
