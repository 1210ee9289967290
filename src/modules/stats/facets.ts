import type Database from 'better-sqlite3'
import { and, desc, eq, gt, sql } from 'drizzle-orm'
import { IN_JSON } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { facetCounts } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import type { EventFilters } from '../events/queries.ts'
import { eventSet } from './dimensions.ts'

export const FACET_FIELDS = ['type', 'place', 'actor'] as const
export type FacetField = (typeof FACET_FIELDS)[number]
/** Values shown per facet, most frequent first (Datasette shows 30). */
export const FACET_SIZE = 30
/** Time the facets of one request may take, together; past it they are reported as cut short. */
export const FACET_BUDGET_MS = 100

export interface FacetValue { value: string, label: string, count: number }
export interface Facets { values: Partial<Record<FacetField, FacetValue[]>>, cutShort: FacetField[] }

const isUnfiltered = (f: EventFilters) => Object.values(f).every((v) => v === undefined)

/**
 * Counts of the filtered events per value of each field. Over the whole dataset they are read
 * from facet_counts (kept by triggers). A filtered set is counted row by row, checking the clock
 * every thousand rows: a field that cannot finish within the budget is dropped and named in
 * `cutShort`, so a broad filter costs the page at most the budget instead of a full scan.
 */
export function eventFacets(sqlite: Database.Database, f: EventFilters, fields: readonly FacetField[], budgetMs = FACET_BUDGET_MS): Facets {
  const out: Facets = { values: {}, cutShort: [] }
  const deadline = performance.now() + budgetMs
  for (const field of fields) {
    const counts = isUnfiltered(f) ? topCounts(sqlite, field)
      : performance.now() > deadline ? null : scanCounts(sqlite, f, field, deadline)
    if (counts === null) out.cutShort.push(field)
    else out.values[field] = label(sqlite, field, counts)
  }
  return out
}

// Over the whole dataset facets read facet_counts, kept by triggers: fixed statements of a few rows.
const counted = statements((db) => ({
  top: db.select({ value: facetCounts.value, events: facetCounts.events }).from(facetCounts)
    .where(and(eq(facetCounts.field, sql.placeholder('field')), gt(facetCounts.events, 0)))
    .orderBy(desc(facetCounts.events), desc(facetCounts.value)).limit(FACET_SIZE).prepare(),
  // Every event has one type, so the type counts add up to the events.
  events: db.select({ n: sql<number>`coalesce(sum(${facetCounts.events}), 0)` }).from(facetCounts).where(eq(facetCounts.field, 'type')).prepare(),
}))

function topCounts(sqlite: Database.Database, field: FacetField): [string, number][] {
  return counted(sqlite).top.all({ field }).map((r) => [r.value, r.events])
}

function scanCounts(sqlite: Database.Database, f: EventFilters, field: FacetField, deadline: number): [string, number][] | null {
  const w = eventSet(f)
  const where = w.where.length ? ` WHERE ${w.where.join(' AND ')}` : ''
  // Links come grouped by event (the primary key leads with it), so a repeated actor (two roles in
  // one event) is always the row just before.
  const sql = field === 'actor'
    ? `SELECT e.id, ea.actor_id FROM ${w.from} JOIN event_actors ea ON ea.event_id = e.id${where}`
    : `SELECT e.id, ${field === 'type' ? 'e.type' : 'e.place_id'} FROM ${w.from}${where}`
  const counts = new Map<string, number>()
  let n = 0, lastEvent = '', lastValue = ''
  for (const [event, value] of prepared(sqlite, sql).raw().iterate(...w.params) as IterableIterator<[string, string | null]>) {
    if (++n % 1000 === 0 && performance.now() > deadline) return null
    if (value === null || (event === lastEvent && value === lastValue)) continue
    lastEvent = event; lastValue = value
    counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).slice(0, FACET_SIZE)
}

function label(sqlite: Database.Database, field: FacetField, counts: [string, number][]): FacetValue[] {
  if (field === 'type') return counts.map(([value, count]) => ({ value, label: value.replace(/_/g, ' '), count }))
  const names = new Map((prepared(sqlite, `SELECT id, name FROM ${field === 'place' ? 'places' : 'actors'} WHERE id IN ${IN_JSON}`)
    .raw().all(JSON.stringify(counts.map(([v]) => v))) as [string, string][]))
  return counts.map(([value, count]) => ({ value, label: names.get(value) ?? value, count }))
}

/** The total of the filtered set; over the whole dataset, the sum of the per-type counts. */
export function countFilteredEvents(sqlite: Database.Database, f: EventFilters, count: (f: EventFilters) => number): number {
  if (!isUnfiltered(f)) return count(f)
  return counted(sqlite).events.get()!.n
}
