import type Database from 'better-sqlite3'
import { IN_JSON, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { fewUpdatedSince } from '../../db/updates.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { DISPLACED_MEASURES, eventWhere, type EventFilters } from '../events/queries.ts'
import type { Period } from './dimensions.ts'
import type { StatsOptions } from './queries.ts'

/** Filtered sets at least this large are grouped slice by slice; `walkMin` lowers it in tests. */
export const WALK_MIN = 20_000

/**
 * Conditions that narrow the filtered events to a slice whose groups sort together, after the
 * slices before it, and the table to read them from.
 */
export interface Slice { where: string[], params: SqlValue[], from: string }

/** The filters' conditions as each slice checks them, and the slices in key order. */
export interface Walk { where: string[], params: SqlValue[], slices: Iterable<Slice> }

/** Values of the leading actor or place taken per slice: few at first, more while the page is not full. */
const BATCH = { first: 8, max: 512 }

/**
 * The events of a slice are read as the planner finds best for the slice's own conditions: the
 * filters alone may have named an index (events by id, for a figure range) that the slice's dates
 * or places would then have to be checked along.
 */
const EVENTS = 'events e'

/**
 * Grouping a large filtered set at once sorts every group before the first page is known: at a
 * million events, by actor and day, 12 s and more. When the key leads with a period, a place or an
 * actor, the events fall into slices whose groups sort wholly before the next slice's, so a page is
 * made slice by slice in key order from its cursor, and making it stops once the page is full.
 * A type first is sliced by type, then by the next part of the key. Null when the grouping is
 * left to one statement: words and an actor filter reach their events by another index (and words
 * would be matched again in every slice), a country first has too few values to slice by, and
 * slicingPays says when the rest would gain nothing.
 */
export function walkSlices(sqlite: Database.Database, f: EventFilters, o: StatsOptions, cursorKey: SqlValue[] | undefined, walkMin = WALK_MIN): Walk | null {
  const [lead, next] = o.groupBy
  const period = o.period ?? 'month'
  if (f.q !== undefined || f.actor !== undefined) return null
  const sliceable = (d: typeof lead): d is 'period' | 'actor' | 'place' => d === 'period' || d === 'actor' || d === 'place'
  // A type first is sliced by type and then by what follows it; alone it has a dozen groups.
  if (!sliceable(lead) && !(lead === 'type' && sliceable(next))) return null
  const lower = f.from ? lowerBound(f.from) : '', upper = f.to ? upperBoundExclusive(f.to) : null
  if (!slicingPays(sqlite, f, o, lower, upper, walkMin)) return null
  const slicesOf = (d: 'period' | 'actor' | 'place', from: string | undefined): Iterable<Slice> => {
    if (d === 'period') return period === 'week' ? weekSlices(sqlite, from, lower, upper) : periodSlices(sqlite, period, from, lower, upper)
    return valueSlices(sqlite, d === 'actor' ? ACTORS : PLACES, from)
  }
  // Each slice narrows the set, so the filters are checked event by event (a figure range probes
  // each event's figure rather than listing every match of the range again for each slice).
  const filters = eventWhere(f, undefined, true)
  const slices = sliceable(lead) ? slicesOf(lead, cursorKey?.[0] as string | undefined)
    // Places are found through their own index; the type's would read every event of the type per batch.
    : typeSlices(sqlite, cursorKey, (from) => slicesOf(next as 'period' | 'actor' | 'place', from), next === 'place' ? '+e.type = ?' : 'e.type = ?')
  return { ...filters, slices }
}

/**
 * Whether slicing can end a page early enough to pay for its statements: the set holds at least
 * `walkMin` events, a figure range or updatedSince is met by at least as many (fewer are listed by
 * their own index when grouped at once, in milliseconds, where slices would check every event of
 * the set: 12-16 s by type and month for at most 3 killed, 753 events at a million), and a period
 * alone has more periods than a page holds and no figure range.
 */
function slicingPays(sqlite: Database.Database, f: EventFilters, o: StatsOptions, lower: string, upper: string | null, walkMin: number): boolean {
  const periodAlone = o.groupBy.length === 1 && o.groupBy[0] === 'period'
  // By period alone a range holds no more groups than periods: if they fit in a page, slicing
  // only adds statements (90 days by week, with a figure range: 0.4 s sliced, 0.2 s at once).
  if (periodAlone && lower && upper && periodsIn(lower, upper, o.period ?? 'month') <= o.limit) return false
  const ranges = [[['killed'], 'low >=', f.minKilled], [['killed'], 'high <=', f.maxKilled],
    [DISPLACED_MEASURES, 'low >=', f.minDisplaced], [DISPLACED_MEASURES, 'high <=', f.maxDisplaced]] as const
  const present = ranges.filter(([, , v]) => v !== undefined)
  if (present.length && periodAlone) return false
  for (const [measures, bound, value] of present) {
    const matches = prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM event_figures WHERE measure IN (${measures.map(() => '?').join(', ')}) AND ${bound} ? LIMIT ?)`)
      .pluck().get(...measures, value, walkMin) as number
    if (matches < walkMin) return false
  }
  if (f.updatedSince !== undefined && fewUpdatedSince(sqlite, 'events', 'events_updated_idx', f.updatedSince, walkMin)) return false
  // Counted without the filters checked event by event (figure ranges, updatedSince): those would
  // cost a pass over the set to learn it is small. The set they narrow is sliced anyway.
  const indexed = eventWhere({ ...f, minKilled: undefined, maxKilled: undefined, minDisplaced: undefined, maxDisplaced: undefined, updatedSince: undefined })
  return (prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM events e${indexed.where.length ? ` WHERE ${indexed.where.join(' AND ')}` : ''} LIMIT ?)`)
    .pluck().get(...indexed.params, walkMin) as number) >= walkMin
}

/**
 * Each type in order, and within it the slices of the key's next part (resumed at the cursor's,
 * within the cursor's type). The types are found one index probe each.
 */
function* typeSlices(sqlite: Database.Database, cursorKey: SqlValue[] | undefined, inner: (from: string | undefined) => Iterable<Slice>, condition: string): Generator<Slice> {
  const resume = cursorKey?.[0] as string | undefined
  const first = (after: string, equal: boolean) => prepared(sqlite, `SELECT min(type) FROM events WHERE type ${equal ? '>=' : '>'} ?`).pluck().get(after) as string | null
  for (let type = first(resume ?? '', true); type !== null; type = first(type, false)) {
    for (const s of inner(type === resume ? cursorKey![1] as string | undefined : undefined)) {
      yield { from: s.from, where: [...s.where, condition], params: [...s.params, type] }
    }
  }
}

interface Lead {
  /** The slice of events with no value, or null when there are none. */
  none(sqlite: Database.Database): Slice | null
  /** The values from `>= ?`, in order, `LIMIT ?`. */
  values: string
  /** The slice of a batch of values, bound as one JSON array. */
  batch(json: string): Slice
}

const PLACES: Lead = {
  none: () => ({ from: EVENTS, where: ['e.place_id IS NULL'], params: [] }),
  values: 'SELECT DISTINCT place_id FROM events WHERE place_id >= ? ORDER BY place_id LIMIT ?',
  batch: (json) => ({ from: EVENTS, where: [`e.place_id IN ${IN_JSON}`], params: [json] }),
}

const ACTORS: Lead = {
  // Events with no actor are found only by reading every event; the actor summary says in which
  // months there are any (usually none at all), and only those are read.
  none: (sqlite) => {
    const [first, last] = prepared(sqlite, `SELECT min(month), max(month) FROM stats_actor_monthly WHERE actor_id = ''`).raw().get() as [string | null, string | null]
    if (first === null || last === null) return null
    return {
      from: EVENTS,
      where: ['e.start_utc >= ?', 'e.start_utc < ?', 'NOT EXISTS (SELECT 1 FROM event_actors x0 WHERE x0.event_id = e.id)'],
      params: [`${first}-01T00:00:00.000Z`, iso(Number(last.slice(0, 4)), Number(last.slice(5, 7)) + 1)],
    }
  },
  values: 'SELECT DISTINCT actor_id FROM event_actors WHERE actor_id >= ? ORDER BY actor_id LIMIT ?',
  // The batch's events by their links, each then read by id in the index holding the columns grouped.
  batch: (json) => ({
    from: 'events e INDEXED BY events_stats_id_idx',
    where: [`e.id IN (SELECT event_id FROM event_actors WHERE actor_id IN ${IN_JSON})`, `ga.actor_id IN ${IN_JSON}`],
    params: [json, json],
  }),
}

/**
 * The events with no value (the '' key, first in order), then batches of values in order. The
 * statement lists the values from `>= ?`, so a page resumes at its cursor's value.
 */
function* valueSlices(sqlite: Database.Database, lead: Lead, from: string | undefined): Generator<Slice> {
  if (!from) {
    const none = lead.none(sqlite)
    if (none) yield none
  }
  let next = from || ''
  let size = BATCH.first
  for (;;) {
    const batch = prepared(sqlite, lead.values).pluck().all(next, size) as string[]
    // '' is the key of events with no value; a stored value is never empty.
    const own = batch.filter((v) => v !== '')
    if (own.length) yield lead.batch(JSON.stringify(own))
    if (batch.length < size) return
    next = `${batch[batch.length - 1]!}\u0000` // the least text after the last value
    size = Math.min(size * 2, BATCH.max)
  }
}

/** The start of the first event on or after a time, within the filters' dates: one probe of the date index. */
function firstEvent(sqlite: Database.Database, lower: string, upper: string | null): (t: string) => string | null {
  return (t) => {
    const first = prepared(sqlite, 'SELECT min(start_utc) FROM events WHERE start_utc >= ?').pluck().get(t > lower ? t : lower) as string | null
    return first === null || (upper !== null && first >= upper) ? null : first
  }
}

const slice = (lo: string, hi: string, at: string | null): Slice => ({ from: EVENTS, where: ['e.start_utc >= ?', 'e.start_utc < ?', ...(at ? [at] : [])], params: [lo, hi] })

/** At most how many periods (and keys of events dated to a month or a year) a date range holds. */
function periodsIn(lower: string, upper: string, period: Period): number {
  const days = (Date.parse(upper) - Date.parse(lower)) / 86_400_000
  const months = days / 28 + 1, years = days / 365 + 1
  const own = { day: days + 1, week: days / 7 + 2, month: months, quarter: months / 3 + 1, year: years }[period]
  return Math.ceil(own + (period === 'day' || period === 'week' ? months : 0) + years)
}

/** Months a slice spans for a period: a month's for days and months, three for a quarter, the year's for a year. */
const SPAN: Record<Exclude<Period, 'week'>, number> = { day: 1, month: 1, quarter: 3, year: 12 }

const iso = (year: number, month: number) => `${String(year + Math.floor((month - 1) / 12)).padStart(4, '0')}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-01T00:00:00.000Z`
const dayOf = (t: string) => `${t.slice(0, 10)}T00:00:00.000Z`
const days = (t: string, n: number) => new Date(Date.parse(t) + n * 86_400_000).toISOString()
/**
 * Slices of days (weeks) start at one and double: a page that needs a day's groups reads a day,
 * one that needs years of them reads a few slices a month rather than one a day.
 */
const SPAN_MAX_DAYS = 32, SPAN_MAX_WEEKS = 8

// Precision classes as the keys read them (periodColumns): anything but a month or a year is a day.
const AT = { year: `e.date_precision = 'year'`, month: `e.date_precision = 'month'`, day: `e.date_precision NOT IN ('month', 'year')`, notYear: `e.date_precision <> 'year'` }

/**
 * Slices along the dates. An event's key is read from its own date at its precision, so an event
 * dated only to a year sorts under the year ('2023') before the year's months and days, and one
 * dated to a month under the month ('2023-09') before its days ('2023-09-01'). A year is therefore
 * its events of a year, then for each month (or quarter) its events of a month and, by day, the
 * rest; a period of a month or a quarter takes its events of a month and of a day together, and a
 * period of a year the whole year. Slices with no events are jumped over, one index probe each.
 * A page resumes in the slice holding its cursor's key.
 */
function* periodSlices(sqlite: Database.Database, period: Exclude<Period, 'week'>, cursor: string | undefined, lower: string, upper: string | null): Generator<Slice> {
  const span = SPAN[period]
  const firstAfter = firstEvent(sqlite, lower, upper)
  // Where the cursor's key lies: a year's own events ('2023'), a unit ('2023-09', '2023-Q3'), a day.
  const resume = cursor === undefined ? null : {
    year: Number(cursor.slice(0, 4)),
    unit: span === 12 || cursor.length === 4 ? null
      : /^\d{4}-Q\d$/.test(cursor) ? iso(Number(cursor.slice(0, 4)), (Number(cursor[6]) - 1) * 3 + 1) : iso(Number(cursor.slice(0, 4)), Number(cursor.slice(5, 7))),
    day: period === 'day' && cursor.length >= 10 ? dayOf(cursor) : null,
  }
  let width = 1 // days a slice of day events covers: doubled each slice, within its month
  for (let t = firstAfter(resume ? iso(resume.year, 1) : lower); t !== null;) {
    const year = Number(t.slice(0, 4))
    const from = resume?.year === year ? resume : null
    if (span === 12) yield slice(iso(year, 1), iso(year, 13), null)
    else {
      if (!from?.unit) yield slice(iso(year, 1), iso(year, 13), AT.year)
      for (let u = firstAfter(from?.unit ?? iso(year, 1)); u !== null && Number(u.slice(0, 4)) === year;) {
        const first = Math.floor((Number(u.slice(5, 7)) - 1) / span) * span + 1
        const lo = iso(year, first), hi = iso(year, first + span)
        if (period !== 'day') yield slice(lo, hi, AT.notYear)
        else {
          const resumeDay = from?.unit === lo ? from.day : null
          if (!resumeDay) yield slice(lo, hi, AT.month)
          for (let d = firstAfter(resumeDay ?? lo); d !== null && d < hi;) {
            const end = days(dayOf(d), width) < hi ? days(dayOf(d), width) : hi
            yield slice(dayOf(d), end, AT.day)
            width = Math.min(width * 2, SPAN_MAX_DAYS)
            d = firstAfter(end)
          }
        }
        u = firstAfter(hi)
      }
    }
    t = firstAfter(iso(year + 1, 1))
  }
}

const WEEK_MS = 7 * 86_400_000
/** The Monday that starts ISO week-year `year`: the week holding 4 January. */
const isoYearStart = (year: number) => {
  const jan4 = Date.UTC(year, 0, 4)
  return new Date(jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000).toISOString()
}
const isoYearOf = (t: string) => Number(t.slice(0, 4)) + (t < isoYearStart(Number(t.slice(0, 4))) ? -1 : t >= isoYearStart(Number(t.slice(0, 4)) + 1) ? 1 : 0)

/**
 * Slices by ISO week. A key's year is the ISO week-year for events dated to a day ('2021-W05') but
 * the calendar year for events of a month or a year ('2021-03', '2021'), and under one year the
 * year's own events sort first, then its months, then its weeks. So each year is its events of a
 * year, its events of a month (one slice), then each ISO week of its week-year.
 */
function* weekSlices(sqlite: Database.Database, cursor: string | undefined, lower: string, upper: string | null): Generator<Slice> {
  const firstAfter = firstEvent(sqlite, lower, upper)
  const step = (cursor === undefined ? 0 : cursor.length === 4 ? 0 : cursor[5] === 'W' ? 2 : 1)
  let year: number
  if (cursor !== undefined) year = Number(cursor.slice(0, 4))
  else {
    const t = firstAfter(lower)
    if (t === null) return
    year = Math.min(Number(t.slice(0, 4)), isoYearOf(t))
  }
  let width = 1 // weeks a slice covers: doubled each slice, within its week-year
  for (let resume = cursor !== undefined; ; resume = false) {
    const start = resume ? step : 0
    if (start <= 0) yield slice(iso(year, 1), iso(year, 13), AT.year)
    if (start <= 1) yield slice(iso(year, 1), iso(year, 13), AT.month)
    const end = isoYearStart(year + 1)
    const from = resume && step === 2 ? new Date(Date.parse(isoYearStart(year)) + (Number(cursor!.slice(6)) - 1) * WEEK_MS).toISOString() : isoYearStart(year)
    for (let d = firstAfter(from); d !== null && d < end;) {
      // From the Monday of d's week, as many weeks as the span.
      const monday = Date.parse(dayOf(d)) - ((new Date(Date.parse(dayOf(d))).getUTCDay() + 6) % 7) * 86_400_000
      const after = new Date(monday + width * WEEK_MS).toISOString()
      const next = after < end ? after : end
      yield slice(new Date(monday).toISOString(), next, AT.day)
      width = Math.min(width * 2, SPAN_MAX_WEEKS)
      d = firstAfter(next)
    }
    const next = firstAfter(end < iso(year + 1, 1) ? end : iso(year + 1, 1))
    if (next === null) return
    year = Math.max(year + 1, Math.min(Number(next.slice(0, 4)), isoYearOf(next)))
  }
}
