import type { SqlValue } from '../../db/keyset.ts'
import { eventWhere, hasFigureRange, type EventFilters } from '../events/queries.ts'

export const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const
export type Period = (typeof PERIODS)[number]
export const DIMENSIONS = ['period', 'type', 'place', 'country', 'actor'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Outcomes of casualty reports and metrics of displacement counts, the figures a stats row sums. */
export const MEASURES = ['killed', 'injured', 'missing', 'arrived', 'displaced', 'departed', 'population_at_risk'] as const
export type Measure = (typeof MEASURES)[number]

/**
 * Where a grouping reads its day, date class, type and actor: a summary table or the events
 * themselves (which join their actors).
 */
export interface Source { day: string, dateClass: string, type: string, actor?: string }

/**
 * The events table as the stats and facets read it when eventSet does not put stats_event_keys in
 * its place. An actor, a figure range alone (or words beside updatedSince) select events by id, and
 * SQLite then looks each one up by its primary key and reads its whole row (title and summary
 * included) for four short columns: through events_stats_id_idx, which holds them, the lookups stay
 * in the index (`groupBy=type&minKilled=1` at a million events: 145,626 events, 1.2 s before, 0.75 s
 * on a busy machine). A place or a date range is left to the planner, whose index on it often
 * selects fewer events.
 */
function eventsTable(f: EventFilters): string {
  const ranged = hasFigureRange(f)
  const byId = f.actor ? !f.place : Boolean((f.q || ranged) && !f.place && !f.from && !f.to)
  return byId ? 'events e INDEXED BY events_stats_id_idx' : 'events e'
}

/** The filtered events as stats and facets read them: what to select from, and the conditions. */
export interface EventSet { from: string, where: string[], params: SqlValue[] }

const MATCH = /^e\.id IN \(SELECT k\.record_id FROM search_index JOIN search_keys k /

/**
 * Words select events through the full-text index: there stats_event_keys, keyed by the index's
 * rowid, stands for the events (same column names under the same alias), and each match costs one
 * step along it instead of a search by text id in search_keys and another in events (a common word
 * at a million events: about 120,000 matches, 290 ms before, 200 ms now). The other conditions
 * stay as the event filters write them; `updatedSince` reads a column the table does not hold.
 */
export function eventSet(f: EventFilters): EventSet {
  const w = eventWhere(f)
  const at = f.q && f.updatedSince === undefined ? w.where.findIndex((c) => MATCH.test(c)) : -1
  if (at < 0) return { from: eventsTable(f), where: w.where, params: w.params }
  const where = [...w.where]
  where[at] = 'search_index MATCH ?'
  return { from: 'search_index JOIN stats_event_keys e ON e.fts_rowid = search_index.rowid', where, params: w.params }
}

export const DAILY: Source = { day: 'd.day', dateClass: 'd.date_class', type: 'd.type' }
// A month key ("2023-09") works wherever a day does for month, quarter and year periods.
export const MONTHLY: Source = { day: 'd.month', dateClass: 'd.date_class', type: 'd.type' }
// Per actor and month: no type, and the actor ('' for none) is a column.
export const ACTOR_MONTHLY: Source = { day: 'd.month', dateClass: 'd.date_class', type: 'NULL', actor: 'd.actor_id' }
export const EVENTS: Source = {
  day: 'substr(e.start_utc, 1, 10)',
  dateClass: `CASE e.date_precision WHEN 'month' THEN 'month' WHEN 'year' THEN 'year' ELSE 'day' END`,
  type: 'e.type',
}

function periodOf(period: Period, day: string): string {
  switch (period) {
    case 'day': return day
    case 'week': return `strftime('%G-W%V', ${day})`
    case 'month': return `substr(${day}, 1, 7)`
    case 'quarter': return `substr(${day}, 1, 4) || '-Q' || ((CAST(substr(${day}, 6, 2) AS INTEGER) + 2) / 3)`
    case 'year': return `substr(${day}, 1, 4)`
  }
}

/**
 * The period key and whether the event could be placed in it. An event dated only to a month
 * cannot be put in a day or a week: it keeps its month as the key and is marked not placed, so
 * the rows say what they hold instead of spreading or dropping it.
 */
export function periodColumns(period: Period, s: Source): { key: string, placed: string } {
  const own = periodOf(period, s.day)
  const month = `substr(${s.day}, 1, 7)`, year = `substr(${s.day}, 1, 4)`
  if (period === 'day' || period === 'week') {
    return { key: `CASE ${s.dateClass} WHEN 'day' THEN ${own} WHEN 'month' THEN ${month} ELSE ${year} END`, placed: `(${s.dateClass} = 'day')` }
  }
  if (period === 'month' || period === 'quarter') {
    return { key: `CASE ${s.dateClass} WHEN 'year' THEN ${year} ELSE ${own} END`, placed: `(${s.dateClass} <> 'year')` }
  }
  return { key: own, placed: '1' }
}

/** One grouping column: its SQL, the alias it is selected as, and the joins it needs. */
export interface Column { expr: string, alias: string }

export function groupColumns(groupBy: readonly Dimension[], period: Period, s: Source): { columns: Column[], joins: string[] } {
  const columns: Column[] = []
  const joins: string[] = []
  for (const d of groupBy) {
    if (d === 'period') {
      const p = periodColumns(period, s)
      columns.push({ expr: p.key, alias: 'period' }, { expr: p.placed, alias: 'placed' })
    } else if (d === 'type') {
      columns.push({ expr: s.type, alias: 'type' })
    } else if (d === 'place') {
      columns.push({ expr: `coalesce(e.place_id, '')`, alias: 'place' })
    } else if (d === 'country') {
      joins.push('LEFT JOIN places gp ON gp.id = e.place_id')
      columns.push({ expr: `coalesce(gp.country_code, '')`, alias: 'country' })
    } else if (s.actor) {
      columns.push({ expr: s.actor, alias: 'actor' })
    } else {
      // One link per event and actor, whatever the number of roles, so no event is counted twice.
      joins.push(`LEFT JOIN event_actors ga ON ga.event_id = e.id
        AND ga.role = (SELECT min(x.role) FROM event_actors x WHERE x.event_id = ga.event_id AND x.actor_id = ga.actor_id)`)
      columns.push({ expr: `coalesce(ga.actor_id, '')`, alias: 'actor' })
    }
  }
  return { columns, joins }
}
