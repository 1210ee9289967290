import type Database from 'better-sqlite3'
import { fewUpdatedSince } from '../../db/updates.ts'
import { IN_JSON, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { DISPLACED_MEASURES, hasFigureRange, probesInOrder, type EventFilters, type EventSort } from './queries.ts'

// How an event list reads its filters other than words: the choice between walking the sort's
// index, gathering through the filters' own indexes, or gathering through the update index.

/**
 * How a list's filters are read: gathered (false), checked along the sort's index (true, see
 * denseFilters), or gathered through events_updated_idx and sorted ('updates', see gathersUpdates).
 */
export type EventReading = boolean | 'updates'

/** Events matching a filter past which lists check it event by event in their order (denseFilters). */
export const DENSE_FILTERS = 20_000

/**
 * Whether the list's filters should be checked event by event along the sort's index rather than
 * gathered through their own indexes and sorted. Gathered, every match is looked up and sorted
 * before the first row: at a million events `minKilled=1` held the event loop 0.4 s,
 * `type=attack&sort=updated` 0.4 s warm and 8 s cold, `updatedSince=2000-01-01` by date 0.3 s warm
 * and 5.6 s cold, `from=2015&to=2022&sort=-updated` 3.1 s, `minKilled=1&type=attack` 0.7 s.
 * Checked along the index: figure ranges in either order; by date, updatedSince, and types beside
 * a figure range; by update, types and a date range (updatedSince is then the range walked).
 * Each must match at least DENSE_FILTERS events (counted through its index, stopping there; types
 * and dates together, as one index holds both), so a page of 50 is found within some 2,500 probes
 * where matches are spread like the events; a rarer one is gathered, which costs little. Matches
 * bunched away from where the walk starts still cost a walk over the events between. Any other
 * filter (actor, place, words) leaves the list gathered. `dense` is lowered only by tests.
 */
export function denseFilters(sqlite: Database.Database, f: EventFilters, sort: EventSort, dense = DENSE_FILTERS): boolean {
  // Words gathered beside the walk would be checked against every event walked, however rare they are.
  if (f.q) return false
  const byDate = sort === 'date' || sort === '-date'
  const figures = hasFigureRange(f)
  // A type alone by date is read in order from events_type_start_idx, which nothing beats.
  const typeChecked = f.type?.length && (!byDate || figures)
  // Nothing to check along the walk: the plain lists, most of all, go no further.
  if (!figures && !typeChecked && !(byDate ? f.updatedSince : f.from || f.to)) return false
  const rest: EventFilters = { ...f, minKilled: undefined, maxKilled: undefined, minDisplaced: undefined, maxDisplaced: undefined }
  if (typeChecked) rest.type = undefined
  if (byDate) rest.updatedSince = undefined
  else Object.assign(rest, { from: undefined, to: undefined, updatedSince: undefined })
  if (!probesInOrder(rest, sort)) return false
  const counts: { sql: string, params: SqlValue[], dense?: number }[] = []
  const ranges = [[['killed'], 'low', '>=', f.minKilled], [['killed'], 'high', '<=', f.maxKilled],
    [DISPLACED_MEASURES, 'low', '>=', f.minDisplaced], [DISPLACED_MEASURES, 'high', '<=', f.maxDisplaced]] as const
  for (const [measures, bound, op, value] of ranges) {
    if (value !== undefined) counts.push({ sql: `SELECT 1 FROM event_figures WHERE measure IN (${measures.map(() => '?').join(', ')}) AND ${bound} ${op} ?`, params: [...measures, value] })
  }
  const dates: string[] = [], dateParams: SqlValue[] = []
  if (f.from) { dates.push(' AND start_utc >= ?'); dateParams.push(lowerBound(f.from)) }
  if (f.to) { dates.push(' AND start_utc < ?'); dateParams.push(upperBoundExclusive(f.to)) }
  // By update, a quarter as many: gathered, each match's row is read for its update time, apart
  // from the others (type=statement over ten months of 2022, 19,000 events: 3.1 s cold, 80-140 ms
  // warm), where the walk reads rows that lie together when updates follow insertion.
  const byType = byDate ? dense : Math.ceil(dense / 4)
  if (typeChecked) counts.push({ sql: `SELECT 1 FROM events INDEXED BY events_type_start_idx WHERE type IN ${IN_JSON}${dates.join('')}`, params: [JSON.stringify(f.type), ...dateParams], dense: byType })
  else if (!byDate && dates.length) counts.push({ sql: `SELECT 1 FROM events INDEXED BY events_start_idx WHERE 1${dates.join('')}`, params: dateParams, dense: byType })
  if (byDate && f.updatedSince) counts.push({ sql: 'SELECT 1 FROM events INDEXED BY events_updated_idx WHERE updated_at >= ?', params: [lowerBound(f.updatedSince)] })
  return counts.length > 0 && counts.every((c) => (prepared(sqlite, `SELECT count(*) FROM (${c.sql} LIMIT ?)`).pluck().get(...c.params, c.dense ?? dense) as number) >= (c.dense ?? dense))
}

/**
 * Whether a list by date should gather its events through events_updated_idx: when fewer than
 * `dense` events were updated since updatedSince, they bound what is read. Beside a type, SQLite
 * read every event of the type from its index and checked each one's update time, then sorted
 * them: 7.7 s cold and 0.4 s warm at a million events for type=deployment and a recent time.
 * Words, an actor or a place narrow better through their own indexes.
 */
export function gathersUpdates(sqlite: Database.Database, f: EventFilters, sort: EventSort, dense = DENSE_FILTERS): boolean {
  if (!f.updatedSince || !(sort === 'date' || sort === '-date') || f.q || f.actor || f.place) return false
  return fewUpdatedSince(sqlite, 'events', 'events_updated_idx', f.updatedSince, dense)
}

/** How a list reads its filters other than words: denseFilters, else gathersUpdates. */
export function eventReading(sqlite: Database.Database, f: EventFilters, sort: EventSort): EventReading {
  return denseFilters(sqlite, f, sort) || (gathersUpdates(sqlite, f, sort) ? 'updates' : false)
}

