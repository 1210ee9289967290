import type Database from 'better-sqlite3'
import { IN_JSON } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { eventWhere, type EventFilters } from '../events/queries.ts'

/**
 * The first and last start of the events a view selects, to choose the histogram's period. Over
 * the whole dataset or one place or type this is two index probes, whatever the size.
 */
export function eventSpan(sqlite: Database.Database, f: EventFilters): { first: string, last: string } | null {
  const w = eventWhere(f)
  const where = w.where.length ? ` WHERE ${w.where.join(' AND ')}` : ''
  const row = prepared(sqlite, `SELECT (SELECT e.start_utc FROM events e${where} ORDER BY e.start_utc ASC LIMIT 1) AS first,
    (SELECT e.start_utc FROM events e${where} ORDER BY e.start_utc DESC LIMIT 1) AS last`).get(...w.params, ...w.params) as { first: string | null, last: string | null }
  return row.first && row.last ? { first: row.first, last: row.last } : null
}

export interface MapPlace { id: string, name: string, latitude: number | null, longitude: number | null, events: number }

/**
 * Event counts per place over the whole dataset, most events first, from the facet summary that
 * triggers keep: grouping a million events by place on each request would take seconds.
 */
export function placeCountsOverall(sqlite: Database.Database, limit: number): { rows: [string, number][], more: boolean } {
  const rows = prepared(sqlite, `SELECT value, events FROM facet_counts WHERE field = 'place' AND events > 0
    ORDER BY events DESC, value LIMIT ?`).raw().all(limit + 1) as [string, number][]
  const more = rows.length > limit
  if (more) rows.length = limit
  return { rows, more }
}

/**
 * Event counts per place of a filtered view, most events first. Only counts are needed here: the
 * stats function also sums every figure of every event, which costs several times as much.
 */
export function placeCountsOf(sqlite: Database.Database, f: EventFilters, limit: number): { rows: [string, number][], more: boolean } {
  const w = eventWhere(f)
  const rows = prepared(sqlite, `SELECT e.place_id, count(*) AS n FROM events e WHERE ${[...w.where, 'e.place_id IS NOT NULL'].join(' AND ')}
    GROUP BY e.place_id ORDER BY n DESC, e.place_id LIMIT ?`).raw().all(...w.params, limit + 1) as [string, number][]
  const more = rows.length > limit
  if (more) rows.length = limit
  return { rows, more }
}

export function placesWithCounts(sqlite: Database.Database, counts: [string, number][]): MapPlace[] {
  if (counts.length === 0) return []
  const byId = new Map((prepared(sqlite, `SELECT id, name, latitude, longitude FROM places WHERE id IN ${IN_JSON}`)
    .all(JSON.stringify(counts.map(([id]) => id))) as Omit<MapPlace, 'events'>[]).map((p) => [p.id, p]))
  return counts.flatMap(([id, events]) => {
    const p = byId.get(id)
    return p ? [{ ...p, events }] : []
  })
}

/** Countries of the dataset's places, by the number of events there (from the facet summary). */
export function leadingCountries(sqlite: Database.Database, limit: number): string[] {
  return (prepared(sqlite, `SELECT p.country_code FROM facet_counts f JOIN places p ON p.id = f.value
    WHERE f.field = 'place' AND f.events > 0 AND p.country_code IS NOT NULL
    GROUP BY p.country_code ORDER BY sum(f.events) DESC, p.country_code LIMIT ?`).raw().all(limit) as [string][]).map(([c]) => c)
}
