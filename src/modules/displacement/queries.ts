import type Database from 'better-sqlite3'
import { getTableColumns } from 'drizzle-orm'
import { DENSE_UPDATES, fewUpdatedSince } from '../../db/updates.ts'
import { IN_JSON, listPage, type KeysetPage, type ListSpec, type PageAt, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { displacementCounts } from '../../db/schema.ts'
import { selectList } from '../../db/projection.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'

/** A displacement count, its date's sort key named for what it is, without the dataset version. */
export type DisplacementRow = Omit<typeof displacementCounts.$inferSelect, 'asOfUtc' | 'version'> & { asOfSortKey: string }

export interface DisplacementFilters {
  event?: string | undefined, metric?: string | undefined, place?: string | undefined, actor?: string | undefined,
  from?: string | undefined, to?: string | undefined, updatedSince?: string | undefined
}

const { version: _version, ...shown } = getTableColumns(displacementCounts)
const SELECT = selectList('d', shown, { asOfUtc: 'asOfSortKey' })

export function listDisplacement(sqlite: Database.Database, f: DisplacementFilters, limit: number, cursor?: PageAt): KeysetPage<DisplacementRow> {
  return listPage<DisplacementRow>(sqlite, displacementListing(sqlite, f, limit, cursor))
}

export { DENSE_UPDATES }

/**
 * What listDisplacement reads; `dense` is DENSE_UPDATES but for tests on small databases. Left to
 * itself SQLite walks the counts by date and checks each one's update time: a recent updatedSince
 * (a sync client's pull) read all of them, 2.9 s on a cold file and 0.13 s warm at a million
 * events. Fewer than `dense` updates are gathered through displacement_updated_idx and sorted.
 * An event, a place or an actor narrows better through its own indexes.
 */
export function displacementListing(sqlite: Database.Database, f: DisplacementFilters, limit: number, cursor?: PageAt, dense = DENSE_UPDATES): ListSpec {
  const spec = displacementListSpec(f, limit, cursor)
  if (!f.updatedSince || f.event || f.place || f.actor) return spec
  return fewUpdatedSince(sqlite, 'displacement_counts', 'displacement_updated_idx', f.updatedSince, dense)
    ? { ...spec, from: 'displacement_counts d INDEXED BY displacement_updated_idx' } : spec
}

/** The listing as a spec; with ownerPages keyed by `d.event_id` it pages each event's figures. */
export function displacementListSpec(f: DisplacementFilters, limit: number, cursor?: PageAt): ListSpec {
  const where: string[] = [], params: SqlValue[] = []
  // A place's or an actor's counts are found through the indexes on each of their columns
  // (MULTI-INDEX OR); beside them the metric is written `+d.metric`, which keeps the planner,
  // without statistics, from preferring displacement_metric_idx and reading a whole metric.
  const metric = f.place || f.actor ? '+d.metric' : 'd.metric'
  if (f.event) { where.push('d.event_id = ?'); params.push(f.event) }
  if (f.metric) { where.push(`${metric} = ?`); params.push(f.metric) }
  if (f.place) { where.push('(d.origin_place_id = ? OR d.destination_place_id = ?)'); params.push(f.place, f.place) }
  if (f.actor) { where.push('(d.reported_by_id = ? OR d.relayed_by_id = ?)'); params.push(f.actor, f.actor) }
  if (f.from) { where.push('d.as_of_utc >= ?'); params.push(lowerBound(f.from)) }
  if (f.to) { where.push('d.as_of_utc < ?'); params.push(upperBoundExclusive(f.to)) }
  if (f.updatedSince) { where.push('d.updated_at >= ?'); params.push(lowerBound(f.updatedSince)) }
  return {
    from: 'displacement_counts d', select: SELECT, where, params, limit, cursor,
    sort: { name: 'asOf', desc: false, columns: [{ expr: 'd.as_of_utc', key: 'asOfSortKey' }, { expr: 'd.id', key: 'id' }] },
  }
}

export function getDisplacement(sqlite: Database.Database, id: string): DisplacementRow | undefined {
  return prepared(sqlite, `SELECT ${SELECT} FROM displacement_counts d WHERE d.id = ?`).get(id) as DisplacementRow | undefined
}

export function displacementOfEvents(sqlite: Database.Database, eventIds: readonly string[]): DisplacementRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM displacement_counts d WHERE d.event_id IN ${IN_JSON} ORDER BY d.as_of_utc, d.id`)
    .all(JSON.stringify(eventIds)) as DisplacementRow[]
}

export function displacementByIds(sqlite: Database.Database, ids: readonly string[]): DisplacementRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM displacement_counts d WHERE d.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as DisplacementRow[]
}
