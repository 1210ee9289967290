import type Database from 'better-sqlite3'
import { IN_JSON, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { decodeCursor, encodeCursor } from '../../http/cursor.ts'
import { eventWhere, type EventFilters } from '../events/queries.ts'
import { CUBE, EVENTS, groupColumns, measureAggregates, MEASURES, type Dimension, type Measure, type Period } from './dimensions.ts'

export interface StatsOptions { groupBy: readonly Dimension[], period?: Period | undefined, limit: number, cursor?: string | undefined }

/** One measure over the events of a row, combined by the rule in docs/stats.md. */
export interface Figure {
  events: number, eventsWithoutFigure: number,
  low: number | null, lowEvents: number, lowIfDisjoint: number | null,
  high: number | null, openEndedEvents: number, best: number | null, bestEvents: number,
}

export interface StatsKey {
  period?: string, periodPlaced?: boolean, type?: string,
  place?: { id: string, name: string } | null, country?: { code: string, name: string | null } | null, actor?: { id: string, name: string } | null,
}
export interface StatsRow { key: StatsKey, events: number, figures: Record<Measure, Figure> }
export interface StatsPage { rows: StatsRow[], nextCursor: string | null, source: 'summary' | 'events' }

/** The combination rule in one paragraph, sent with every stats answer. */
export const RULE = 'Reports of one event and measure may count the same people: an event contributes its largest single lower bound '
  + '(lowIfDisjoint adds its reports). Distinct events add. One open-ended event makes the high null. Events without a figure are '
  + 'counted in eventsWithoutFigure, never as zero. See docs/stats.md.'

const midnight = (iso: string) => iso.endsWith('T00:00:00.000Z')

/**
 * Grouping by period and type with at most whole-day date bounds and a type filter is read from
 * the daily summary (a few rows per day); anything else groups the filtered events themselves.
 */
function readsSummary(f: EventFilters, groupBy: readonly Dimension[]): boolean {
  if (groupBy.some((d) => d !== 'period' && d !== 'type')) return false
  const others = Object.entries(f).filter(([k, v]) => v !== undefined && !['from', 'to', 'type'].includes(k))
  if (others.length) return false
  return (!f.from || midnight(lowerBound(f.from))) && (!f.to || midnight(upperBoundExclusive(f.to)))
}

function summaryFrom(f: EventFilters): { from: string, where: string[], params: SqlValue[] } {
  const where: string[] = [], params: SqlValue[] = []
  if (f.from) { where.push('d.day >= ?'); params.push(lowerBound(f.from).slice(0, 10)) }
  if (f.to) { where.push('d.day < ?'); params.push(upperBoundExclusive(f.to).slice(0, 10)) }
  if (f.type?.length) { where.push(`d.type IN ${IN_JSON}`); params.push(JSON.stringify(f.type)) }
  return { from: 'stats_daily d', where, params }
}

/**
 * Grouped counts and figures over the events the filters select, a page of groups at a time in
 * key order. Reusable by any view that draws from the same figures (a histogram is one call).
 */
export function eventStats(sqlite: Database.Database, f: EventFilters, o: StatsOptions): StatsPage {
  const cube = readsSummary(f, o.groupBy)
  const { columns, joins } = groupColumns(o.groupBy, o.period ?? 'month', cube ? CUBE : EVENTS)
  const base = cube ? summaryFrom(f) : { from: 'events e', ...eventWhere(f) }
  const from = cube ? base.from : [`${base.from}`, ...joins, 'LEFT JOIN event_figures f ON f.event_id = e.id'].join(' ')
  const events = cube ? `sum(CASE WHEN d.measure = '*' THEN d.events END)` : 'count(DISTINCT e.id)'
  const aliases = columns.map((c) => c.alias)
  const sortName = `stats:${o.groupBy.join(',')}:${o.period ?? 'month'}`
  const params = [...base.params]
  let after = ''
  if (o.cursor) {
    const values = decodeCursor(o.cursor, sortName, aliases.length)
    after = `WHERE (${aliases.map((a) => `"${a}"`).join(', ')}) > (${aliases.map(() => '?').join(', ')})`
    params.push(...values)
  }
  const select = [...columns.map((c) => `${c.expr} AS "${c.alias}"`), `${events} AS events`, measureAggregates(cube)].join(',\n  ')
  const grouped = `SELECT ${select} FROM ${from}${base.where.length ? ` WHERE ${base.where.join(' AND ')}` : ''}`
    + (columns.length ? ` GROUP BY ${columns.map((_, i) => i + 1).join(', ')}` : '')
  const order = aliases.length ? ` ORDER BY ${aliases.map((a) => `"${a}"`).join(', ')}` : ''
  const sql = `SELECT * FROM (${grouped}) ${after}${order} LIMIT ?`
  const raw = prepared(sqlite, sql).all(...params, o.limit + 1) as Record<string, SqlValue>[]
  const more = raw.length > o.limit
  if (more) raw.length = o.limit
  const rows = raw.filter((r) => Number(r.events) > 0)
  const last = raw[raw.length - 1]
  return {
    rows: presentRows(sqlite, rows),
    nextCursor: more && last ? encodeCursor(sortName, aliases.map((a) => last[a] ?? null)) : null,
    source: cube ? 'summary' : 'events',
  }
}

function figureOf(r: Record<string, SqlValue>, m: Measure, events: number): Figure {
  const n = (k: string) => Number(r[`${m}.${k}`] ?? 0)
  const contributed = n('n')
  return {
    events: contributed,
    eventsWithoutFigure: events - contributed,
    low: n('lowN') > 0 ? n('low') : null,
    lowEvents: n('lowN'),
    lowIfDisjoint: n('lowN') > 0 ? n('lowD') : null,
    // One open-ended event leaves the sum without an upper bound.
    high: contributed > 0 && n('openN') === 0 ? n('high') : null,
    openEndedEvents: n('openN'),
    best: n('bestN') > 0 ? n('best') : null,
    bestEvents: n('bestN'),
  }
}

function presentRows(sqlite: Database.Database, raw: Record<string, SqlValue>[]): StatsRow[] {
  const ids = (k: string) => [...new Set(raw.map((r) => r[k]).filter((v): v is string => typeof v === 'string' && v !== ''))]
  const names = (table: string, list: string[]) => new Map(list.length
    ? (prepared(sqlite, `SELECT id, name FROM ${table} WHERE id IN ${IN_JSON}`).all(JSON.stringify(list)) as { id: string, name: string }[]).map((x) => [x.id, x.name])
    : [])
  const places = 'place' in (raw[0] ?? {}) ? names('places', ids('place')) : new Map<string, string>()
  const actors = 'actor' in (raw[0] ?? {}) ? names('actors', ids('actor')) : new Map<string, string>()
  const countries = 'country' in (raw[0] ?? {}) ? countryNames(sqlite, ids('country')) : new Map<string, string>()
  return raw.map((r) => {
    const key: StatsKey = {}
    if ('period' in r) { key.period = String(r.period); key.periodPlaced = Number(r.placed) === 1 }
    if ('type' in r) key.type = String(r.type)
    if ('place' in r) key.place = r.place ? { id: String(r.place), name: places.get(String(r.place)) ?? String(r.place) } : null
    if ('country' in r) key.country = r.country ? { code: String(r.country), name: countries.get(String(r.country)) ?? null } : null
    if ('actor' in r) key.actor = r.actor ? { id: String(r.actor), name: actors.get(String(r.actor)) ?? String(r.actor) } : null
    const events = Number(r.events)
    const figures = Object.fromEntries(MEASURES.map((m) => [m, figureOf(r, m, events)])) as Record<Measure, Figure>
    return { key, events, figures }
  })
}

function countryNames(sqlite: Database.Database, codes: string[]): Map<string, string> {
  if (!codes.length) return new Map()
  const rows = prepared(sqlite, `SELECT country_code AS code, min(name) AS name FROM places
    WHERE kind = 'country' AND country_code IN ${IN_JSON} GROUP BY country_code`).all(JSON.stringify(codes)) as { code: string, name: string }[]
  return new Map(rows.map((x) => [x.code, x.name]))
}
