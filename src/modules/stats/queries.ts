import type Database from 'better-sqlite3'
import { IN_JSON, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { decodeCursor, encodeCursor } from '../../http/cursor.ts'
import type { EventFilters } from '../events/queries.ts'
import { ACTOR_MONTHLY, DAILY, EVENTS, eventSet, groupColumns, MEASURES, MONTHLY, type Dimension, type Measure, type Period, type Source } from './dimensions.ts'
import { walkSlices, WALK_MIN, type Walk } from './walk.ts'

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
  + '(lowIfDisjoint adds its reports) and its largest best estimate, unless that is below its lower bound. Distinct events add. One open-ended event makes the high null. Events without a figure are '
  + 'counted in eventsWithoutFigure, never as zero. See docs/stats.md.'

type Cube = { table: 'stats_daily' | 'stats_monthly' | 'stats_actor_monthly', column: 'day' | 'month', source: Source }
const DAILY_CUBE: Cube = { table: 'stats_daily', column: 'day', source: DAILY }
const MONTHLY_CUBE: Cube = { table: 'stats_monthly', column: 'month', source: MONTHLY }
const ACTOR_CUBE: Cube = { table: 'stats_actor_monthly', column: 'month', source: ACTOR_MONTHLY }

const startsDay = (iso: string) => iso.endsWith('T00:00:00.000Z')
const startsMonth = (iso: string) => iso.endsWith('-01T00:00:00.000Z')

/**
 * Grouping by period and type under a type filter and whole-day (or whole-month) date bounds reads
 * a summary table: a few rows per day or per month instead of every event. So does grouping by
 * actor (alone or with a month, quarter or year) over whole months, without other filters. Anything
 * else groups the filtered events themselves.
 */
function summaryFor(f: EventFilters, o: StatsOptions): Cube | null {
  const byActor = o.groupBy.includes('actor')
  if (o.groupBy.some((d) => d !== 'period' && d !== (byActor ? 'actor' : 'type'))) return null
  const allowed = byActor ? ['from', 'to'] : ['from', 'to', 'type']
  if (Object.entries(f).some(([k, v]) => v !== undefined && !allowed.includes(k))) return null
  const bounds = [f.from ? lowerBound(f.from) : null, f.to ? upperBoundExclusive(f.to) : null].filter((b): b is string => b !== null)
  const coarse = !o.groupBy.includes('period') || ['month', 'quarter', 'year'].includes(o.period ?? 'month')
  if (coarse && bounds.every(startsMonth)) return byActor ? ACTOR_CUBE : MONTHLY_CUBE
  return !byActor && bounds.every(startsDay) ? DAILY_CUBE : null
}

function cubeWhere(cube: Cube, f: EventFilters): { where: string[], params: SqlValue[] } {
  const where: string[] = [], params: SqlValue[] = []
  const cut = cube.column === 'day' ? 10 : 7
  if (f.from) { where.push(`d.${cube.column} >= ?`); params.push(lowerBound(f.from).slice(0, cut)) }
  if (f.to) { where.push(`d.${cube.column} < ?`); params.push(upperBoundExclusive(f.to).slice(0, cut)) }
  if (f.type?.length) { where.push(`d.type IN ${IN_JSON}`); params.push(JSON.stringify(f.type)) }
  return { where, params }
}

/** The sums of a summary row, in the order FIGURE_SUMS names them. */
const SUMS = ['events', 'low_events', 'low', 'low_if_disjoint', 'high_open', 'high', 'best_events', 'best'] as const

/**
 * Grouping by actor over a range that starts or ends inside a month: the whole months between read
 * stats_actor_monthly, and only the events of the partial months at either end are joined to their
 * actors and figures. Null when the range holds no whole month.
 */
function actorSplit(f: EventFilters, o: StatsOptions): { months: { where: string[], params: SqlValue[] }, edges: [string, string][] } | null {
  if (!o.groupBy.includes('actor') || o.groupBy.some((d) => d !== 'period' && d !== 'actor')) return null
  if (o.groupBy.includes('period') && !['month', 'quarter', 'year'].includes(o.period ?? 'month')) return null
  if (Object.entries(f).some(([k, v]) => v !== undefined && k !== 'from' && k !== 'to')) return null
  const lower = f.from ? lowerBound(f.from) : null, upper = f.to ? upperBoundExclusive(f.to) : null
  const first = lower === null ? null : startsMonth(lower) ? lower.slice(0, 7) : nextMonth(lower.slice(0, 7))
  const last = upper?.slice(0, 7) ?? null // the months before it are whole
  if (first !== null && (first.length > 7 || (last !== null && first >= last))) return null
  const months = { where: [] as string[], params: [] as SqlValue[] }
  const edges: [string, string][] = []
  if (first !== null) { months.where.push('d.month >= ?'); months.params.push(first) }
  if (last !== null) { months.where.push('d.month < ?'); months.params.push(last) }
  if (lower !== null && !startsMonth(lower)) edges.push([lower, `${first}-01T00:00:00.000Z`])
  if (upper !== null && !startsMonth(upper)) edges.push([`${last}-01T00:00:00.000Z`, upper])
  return { months, edges }
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`
}

/**
 * Per group, a '*' row with its event count and a row per measure with eight sums, over the events
 * the parts select (each a FROM and its conditions), selected once in a materialised CTE for both.
 */
function eventsSql(g: { columns: { expr: string, alias: string }[], joins: string[] }, group: (extra: string[]) => string, parts: { from: string, where: string[] }[]): string | null {
  if (!parts.length) return null
  const keyCols = g.columns.map((c) => `${c.expr} AS "${c.alias}"`)
  const keys = g.columns.map((c) => `"${c.alias}", `).join('')
  const sel = parts.map((w) => `SELECT ${[...keyCols, 'e.id AS id'].join(', ')} FROM ${[w.from, ...g.joins].join(' ')}${w.where.length ? ` WHERE ${w.where.join(' AND ')}` : ''}`)
  return `WITH sel AS MATERIALIZED (${sel.join(' UNION ALL ')})
      SELECT ${keys}'*' AS measure, count(*) AS c0, 0 AS c1, 0 AS c2, 0 AS c3, 0 AS c4, 0 AS c5, 0 AS c6, 0 AS c7 FROM sel${group([])}
      UNION ALL
      SELECT ${keys}f.measure, count(*), count(f.low), sum(f.low), sum(f.low_if_disjoint), sum(f.high IS NULL), sum(f.high), count(f.best), sum(f.best)
      FROM sel JOIN event_figures f ON f.event_id = sel.id${group(['f.measure'])}`
}

const FIGURE_SUMS = ['n', 'lowN', 'low', 'lowD', 'openN', 'high', 'bestN', 'best'] as const
type Sums = Record<(typeof FIGURE_SUMS)[number], number>

/**
 * Grouped counts and figures over the events the filters select, a page of groups at a time in
 * key order. Reusable by any view that draws from the same figures (a histogram is one call).
 * One statement yields, per group, a '*' row with its event count and a row per measure with
 * eight sums; the filtered events are selected once (a materialised CTE) for both. Rows stream in
 * key order and reading stops after the page. A large set of events is grouped slice by slice in
 * key order where the key allows it (walk.ts), so a page costs its own slices, not the whole set.
 */
export function eventStats(sqlite: Database.Database, f: EventFilters, o: StatsOptions, walkMin = WALK_MIN): StatsPage {
  const cube = summaryFor(f, o)
  const split = cube ? null : actorSplit(f, o)
  const source = (cube ?? (split ? ACTOR_CUBE : null))?.source ?? EVENTS
  const { columns, joins } = groupColumns(o.groupBy, o.period ?? 'month', source)
  const aliases = columns.map((c) => `"${c.alias}"`)
  const keyCols = columns.map((c) => `${c.expr} AS "${c.alias}"`)
  const group = (extra: string[]) => {
    const list = [...aliases, ...extra]
    return list.length ? ` GROUP BY ${list.join(', ')}` : ''
  }
  const cubeSql = (c: Cube, where: string[], hint = '') => `SELECT ${[...keyCols, 'd.measure AS measure', ...SUMS.map((x, i) => `sum(d.${x}) AS c${i}`)].join(', ')}
      FROM ${c.table} d${hint}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${group(['measure'])}`
  let sql: string
  const params: SqlValue[] = []
  let walk: Walk | null = null
  const sortName = `stats:${o.groupBy.join(',')}:${o.period ?? 'month'}`
  const cursorKey = o.cursor ? decodeCursor(o.cursor, sortName, aliases.length, columns.map((c) => (c.alias === 'placed' ? 'number' : 'string'))) : undefined
  // Grouping by actor alone walks stats_actor_monthly_actor_idx in actor order: the groups come out
  // sorted, a page starts at its cursor and reading stops after it (a page of the whole dataset in
  // milliseconds, where sorting every actor-month row took seconds at a million events). With
  // dates the planner chooses: the month range of the table's key can be the shorter read.
  const inActorOrder = cube === ACTOR_CUBE && o.groupBy.length === 1
  if (cube && inActorOrder) {
    const w = cubeWhere(cube, f)
    if (cursorKey) { w.where.push('d.actor_id > ?'); w.params.push(...cursorKey) }
    sql = `${cubeSql(cube, w.where, f.from || f.to ? '' : ' INDEXED BY stats_actor_monthly_actor_idx')} ORDER BY "actor", measure`
    params.push(...w.params)
  } else if (cube) {
    const w = cubeWhere(cube, f)
    sql = cubeSql(cube, w.where)
    params.push(...w.params)
  } else if (split) {
    // Whole months from the summary, the days at either end from the events, summed per group.
    const events = eventsSql(groupColumns(o.groupBy, o.period ?? 'month', EVENTS), group, split.edges.map(() => ({ from: 'events e', where: ['e.start_utc >= ?', 'e.start_utc < ?'] })))
    sql = `SELECT ${[...aliases, 'measure', ...SUMS.map((_, i) => `sum(c${i})`)].join(', ')}
      FROM (${cubeSql(ACTOR_CUBE, split.months.where)}${events ? ` UNION ALL SELECT * FROM (${events})` : ''})${group(['measure'])}`
    params.push(...split.months.params, ...split.edges.flat())
  } else {
    const set = eventSet(f)
    walk = walkSlices(sqlite, f, o, cursorKey, walkMin)
    sql = eventsSql({ columns, joins }, group, [set])!
    params.push(...set.params)
  }
  let after = ''
  if (cursorKey && !inActorOrder) {
    after = ` WHERE (${aliases.join(', ')}) > (${aliases.map(() => '?').join(', ')})`
  }
  const order = ` ORDER BY ${[...aliases, 'measure'].join(', ')}`
  const groups: RawGroup[] = []
  const read = (text: string, values: SqlValue[]) => collect(prepared(sqlite, `SELECT * FROM (${text})${after}${order}`).raw().iterate(...values, ...(after ? cursorKey! : [])) as IterableIterator<SqlValue[]>, columns.length, o.limit, groups)
  let more = false
  if (walk) {
    for (const s of walk.slices) {
      if ((more = read(eventsSql({ columns, joins }, group, [{ from: s.from, where: [...walk.where, ...s.where] }])!, [...walk.params, ...s.params]))) break
    }
  } else {
    more = read(sql, params)
  }
  // Without a grouping the answer is one row over the whole selection, an empty one included.
  if (o.groupBy.length === 0 && groups.length === 0 && !cursorKey) groups.push({ key: [], events: 0, sums: {} })
  const last = groups[groups.length - 1]
  return {
    rows: presentRows(sqlite, groups.map((g) => ({ key: Object.fromEntries(columns.map((c, i) => [c.alias, g.key[i]!])), events: g.events, sums: g.sums }))),
    nextCursor: more && last ? encodeCursor(sortName, last.key) : null,
    source: cube || split ? 'summary' : 'events',
  }
}

type RawGroup = { key: SqlValue[], events: number, sums: Partial<Record<Measure, Sums>> }

/**
 * Adds the rows of a grouping statement (per group, a '*' row and a row per measure, in key order)
 * to `groups`; true once a group with events is met past `limit`, and reading stops there. A group
 * of no events (a summary row a write left at zero: an event moved to another day, an actor
 * unlinked) is not a row: it is dropped as soon as its key is read past, so it neither takes a
 * place on the page nor makes an empty next page look like more.
 */
function collect(rows: IterableIterator<SqlValue[]>, width: number, limit: number, groups: RawGroup[]): boolean {
  // A page is thousands of rows: keys are compared value by value and sums read by position,
  // which took half the time of writing each key as JSON and building each row's sums by name.
  let last: SqlValue[] | null = groups.length ? groups[groups.length - 1]!.key : null
  // Past the page: whether the group being read has events ('*' comes first in each group).
  let probing = false
  for (const r of rows) {
    if (last === null || !sameKey(last, r, width)) {
      last = r.slice(0, width)
      if (!probing) {
        if (groups.length && groups[groups.length - 1]!.events === 0) groups.pop()
        probing = groups.length === limit
        if (!probing) groups.push({ key: last, events: 0, sums: {} })
      }
    }
    const measure = r[width] as string
    if (probing) {
      if (measure === '*' && Number(r[width + 1] ?? 0) > 0) return true
      continue
    }
    const g = groups[groups.length - 1]!
    const at = width + 1
    if (measure === '*') g.events += Number(r[at] ?? 0)
    else {
      g.sums[measure as Measure] = {
        n: Number(r[at] ?? 0), lowN: Number(r[at + 1] ?? 0), low: Number(r[at + 2] ?? 0), lowD: Number(r[at + 3] ?? 0),
        openN: Number(r[at + 4] ?? 0), high: Number(r[at + 5] ?? 0), bestN: Number(r[at + 6] ?? 0), best: Number(r[at + 7] ?? 0),
      } satisfies Record<(typeof FIGURE_SUMS)[number], number>
    }
  }
  if (!probing && groups.length && groups[groups.length - 1]!.events === 0) groups.pop()
  return false
}

/** Whether a row's first `width` values are the key's (as their JSON would be: 1 and '1' differ). */
function sameKey(key: SqlValue[], row: SqlValue[], width: number): boolean {
  for (let i = 0; i < width; i++) if (key[i] !== row[i]) return false
  return true
}

/** Rows with only the measures asked for (in their usual order): seven figures make most of a row. */
export function pickMeasures(rows: StatsRow[], measures: readonly Measure[]): StatsRow[] {
  if (measures.length === MEASURES.length) return rows
  const kept = MEASURES.filter((m) => measures.includes(m))
  return rows.map((r) => ({ ...r, figures: Object.fromEntries(kept.map((m) => [m, r.figures[m]])) as StatsRow['figures'] }))
}

function figureOf(s: Sums | undefined, events: number): Figure {
  const n = (k: keyof Sums) => s?.[k] ?? 0
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

interface Group { key: Record<string, SqlValue>, events: number, sums: Partial<Record<Measure, Sums>> }

function presentRows(sqlite: Database.Database, groups: Group[]): StatsRow[] {
  const has = (k: string) => groups.length > 0 && k in groups[0]!.key
  const ids = (k: string) => [...new Set(groups.map((g) => g.key[k]).filter((v): v is string => typeof v === 'string' && v !== ''))]
  const names = (table: string, list: string[]) => new Map(list.length
    // raw(false): the facets read the same statement (one per SQL text and connection) in raw mode.
    ? (prepared(sqlite, `SELECT id, name FROM ${table} WHERE id IN ${IN_JSON}`).raw(false).all(JSON.stringify(list)) as { id: string, name: string }[]).map((x) => [x.id, x.name])
    : [])
  const places = has('place') ? names('places', ids('place')) : new Map<string, string>()
  const actors = has('actor') ? names('actors', ids('actor')) : new Map<string, string>()
  const countries = has('country') ? countryNames(sqlite, ids('country')) : new Map<string, string>()
  return groups.map(({ key: r, events, sums }) => {
    const key: StatsKey = {}
    if ('period' in r) { key.period = String(r.period); key.periodPlaced = Number(r.placed) === 1 }
    if ('type' in r) key.type = String(r.type)
    if ('place' in r) key.place = r.place ? { id: String(r.place), name: places.get(String(r.place)) ?? String(r.place) } : null
    if ('country' in r) key.country = r.country ? { code: String(r.country), name: countries.get(String(r.country)) ?? null } : null
    if ('actor' in r) key.actor = r.actor ? { id: String(r.actor), name: actors.get(String(r.actor)) ?? String(r.actor) } : null
    const figures = Object.fromEntries(MEASURES.map((m) => [m, figureOf(sums[m], events)])) as Record<Measure, Figure>
    return { key, events, figures }
  })
}

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })

/**
 * A country's name: the dataset's own place of kind country for the code, or else the code's
 * English name (a town's country may have no place of its own). A code no one knows stays unnamed.
 */
function countryNames(sqlite: Database.Database, codes: string[]): Map<string, string> {
  if (!codes.length) return new Map()
  const rows = prepared(sqlite, `SELECT country_code AS code, min(name) AS name FROM places
    WHERE kind = 'country' AND country_code IN ${IN_JSON} GROUP BY country_code`).raw(false).all(JSON.stringify(codes)) as { code: string, name: string }[]
  const names = new Map(rows.map((x) => [x.code, x.name]))
  for (const code of codes) {
    if (names.has(code)) continue
    let name: string | undefined
    try { name = REGIONS.of(code) } catch { /* not a region code */ }
    if (name && code !== 'ZZ') names.set(code, name)
  }
  return names
}
