import type Database from 'better-sqlite3'
import { countRows, cursorOf, idRows, IN_JSON, jsonPage, listPage, type JsonPage, type ListSpec, type KeysetPage, type PageAt, type SqlValue, type SortSpec } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import type { events } from '../../db/schema.ts'
import { narrowSelect } from '../../db/projection.ts'
import type { ActorKind, ActorRole } from '../../domain/vocabulary.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { commonPlan, indexTotals, isCommon, matchDensity } from '../search/common.ts'
import { ftsQuery, ftsTerms, queryWords, SEARCH_CANDIDATES } from '../search/queries.ts'
import { briefJson, EVENT_BRIEF_FIELDS } from '../../db/event-brief.ts'
import { withRelationBriefs, type RelationBrief } from './relation-briefs.ts'
import { eventReading, type EventReading } from './readings.ts'

export { DENSE_FILTERS, denseFilters, eventReading, gathersUpdates, type EventReading } from './readings.ts'

/** An event as lists give it: its columns, the start's sort key named for what it is, no dataset version. */
export type EventRow = Omit<typeof events.$inferSelect, 'startUtc' | 'endUtc' | 'version' | 'briefJson'> & { startSortKey: string }

export interface EventFilters {
  from?: string | undefined
  to?: string | undefined
  type?: string[] | undefined
  actor?: string | undefined
  role?: string | undefined
  place?: string | undefined
  q?: string | undefined
  updatedSince?: string | undefined
  minKilled?: number | undefined
  maxKilled?: number | undefined
  minDisplaced?: number | undefined
  maxDisplaced?: number | undefined
}

/** Displacement metrics that count people who left their homes; population at risk is not one. */
export const DISPLACED_MEASURES = ['displaced', 'departed', 'arrived'] as const

/**
 * Range filters read the event's combined figure (docs/stats.md): "at least N" needs a lower bound
 * of N or more, "at most N" an upper bound of N or less. An event without the figure matches neither.
 */
function figureRange(where: string[], params: SqlValue[], measures: readonly string[], narrow: boolean, min?: number, max?: number) {
  const m = measures.length === 1 ? 'f.measure = ?' : `f.measure IN (${measures.map(() => '?').join(', ')})`
  const bounds = ([['low', '>=', min], ['high', '<=', max]] as const).filter(([, , value]) => value !== undefined)
  if (bounds.length === 0) return
  // Both bounds hold on one figure: between 100 and 150 displaced is one metric's range, not 200
  // displaced and 50 arrived. Beside a narrower filter each event is probed by its key (the unary +
  // keeps SQLite off the bounds' indexes there); alone, a bound's index lists the matching events.
  const held = bounds.map(([bound, op]) => `${narrow ? '+' : ''}f.${bound} ${op} ?`).join(' AND ')
  where.push(narrow
    ? `EXISTS (SELECT 1 FROM event_figures f WHERE f.event_id = e.id AND ${m} AND ${held})`
    : `e.id IN (SELECT f.event_id FROM event_figures f WHERE ${m} AND ${held})`)
  params.push(...measures, ...bounds.map(([, , value]) => value!))
}

export const EVENT_SORTS = ['date', '-date', 'updated', '-updated'] as const
export type EventSort = (typeof EVENT_SORTS)[number]

/** An event row's fields in the order documents give them, with the column each comes from. */
const COLUMNS: readonly (readonly [keyof EventRow, string])[] = EVENT_BRIEF_FIELDS.map(([key, column]) => [key, `e."${column}"`] as const)

const SELECT = COLUMNS.map(([key, expr]) => `${expr} AS "${key}"`).join(', ')

/**
 * The same fields as one JSON object a row, written by SQLite (the sort keys among them, for the
 * cursor): building the text there costs a third of building row objects and serialising them.
 */
export const EVENT_JSON = briefJson('e')

const SORTS: Record<EventSort, SortSpec> = {
  'date': { name: 'date', desc: false, columns: [{ expr: 'e.start_utc', key: 'startSortKey' }, { expr: 'e.id', key: 'id' }] },
  '-date': { name: '-date', desc: true, columns: [{ expr: 'e.start_utc', key: 'startSortKey' }, { expr: 'e.id', key: 'id' }] },
  'updated': { name: 'updated', desc: false, columns: [{ expr: 'e.updated_at', key: 'updatedAt' }, { expr: 'e.id', key: 'id' }] },
  '-updated': { name: '-updated', desc: true, columns: [{ expr: 'e.updated_at', key: 'updatedAt' }, { expr: 'e.id', key: 'id' }] },
}

/**
 * Turns filters into fixed SQL fragments; the same filters always give the same SQL text. With
 * `probe` (see denseWords), words are checked event by event in the list's order instead.
 */
export function eventWhere(f: EventFilters, probe?: string, inOrder: boolean | 'updated' = false): Pick<ListSpec, 'where' | 'params'> {
  const where: string[] = []
  const params: SqlValue[] = []
  // In order (denseFilters), the unary + keeps SQLite walking the sort's index rather than this
  // one's; the range of the index walked (dates by date, updatedSince by update) stays a range.
  const dates = inOrder === 'updated' ? '+' : ''
  if (f.from) { where.push(`${dates}e.start_utc >= ?`); params.push(lowerBound(f.from)) }
  if (f.to) { where.push(`${dates}e.start_utc < ?`); params.push(upperBoundExclusive(f.to)) }
  // One type by date is walked along events_type_start_idx, which holds the list's order for it.
  if (f.type?.length === 1 && inOrder === true) { where.push('e.type = ?'); params.push(f.type[0]!) }
  else if (f.type?.length) { where.push(`${inOrder ? '+' : ''}e.type IN ${IN_JSON}`); params.push(JSON.stringify(f.type)) }
  if (f.place) { where.push('e.place_id = ?'); params.push(f.place) }
  if (f.actor) {
    where.push(`e.id IN (SELECT ea.event_id FROM event_actors ea WHERE ea.actor_id = ?${f.role ? ' AND ea.role = ?' : ''})`)
    params.push(f.actor)
    if (f.role) params.push(f.role)
  }
  if (f.q && probe) {
    // FTS5 checks one row when given its rowid beside the match: tens of microseconds an event.
    where.push(`EXISTS (SELECT 1 FROM search_index WHERE search_index MATCH ?
      AND search_index.rowid = (SELECT k.fts_rowid FROM search_keys k WHERE k.record_type = 'event' AND k.record_id = e.id))`)
    params.push(probe)
  } else if (f.q) {
    // Matches map to events through search_keys' rowid index: reading record_id from the FTS
    // content table costs a lookup per match, seconds for a common word at a million events.
    where.push(`e.id IN (SELECT k.record_id FROM search_index JOIN search_keys k ON k.fts_rowid = search_index.rowid
      WHERE search_index MATCH ? AND k.record_type = 'event')`)
    params.push(ftsQuery(f.q))
  }
  const narrow = Boolean(f.from || f.to || f.actor || f.place || f.q || inOrder)
  figureRange(where, params, ['killed'], narrow, f.minKilled, f.maxKilled)
  figureRange(where, params, DISPLACED_MEASURES, narrow, f.minDisplaced, f.maxDisplaced)
  // Sync clients ask for what changed since their last pull: usually a small share of the rows.
  if (f.updatedSince) { where.push(inOrder === 'updated' ? 'e.updated_at >= ?' : inOrder ? '+e.updated_at >= ?' : 'likelihood(e.updated_at >= ?, 0.05)'); params.push(lowerBound(f.updatedSince)) }
  return { where, params }
}

/** Share of the index's rows past which words are probed event by event (see denseWords). */
export const DENSE_WORDS = 0.02

/**
 * The words of `q` as an FTS5 query to check event by event, when they are in so many records
 * that a page is found after a few probes; otherwise undefined, and lists gather every match.
 * Gathering is what a page of rare words needs, but for a word in every record it meant a million
 * matches sorted by date (past the stats workers' time limit at a million events), where walking
 * the events in the list's order finds 50 matches in 50 probes. From 2% of the rows, a page of 50
 * takes at most some 2,500 probes, about 50 ms. The query is the words' terms ORed (common.ts),
 * since a prefix query would gather every match of the prefix at each probe. Only where the list's
 * order comes from the index walked (a date range in date order, no other filter in update order):
 * other filters (types, an actor) make SQLite read their events from another index and sort them,
 * which would probe every one of them before the first row. A plan test holds this.
 */
export function denseWords(sqlite: Database.Database, f: EventFilters, sort: EventSort): string | undefined {
  if (!f.q || !probesInOrder(f, sort)) return undefined
  const words = queryWords(f.q)
  if (!isCommon(sqlite, words, SEARCH_CANDIDATES)) return undefined
  const plan = commonPlan(sqlite, words, SEARCH_CANDIDATES)
  return plan && matchDensity(sqlite, plan.match, SEARCH_CANDIDATES) >= DENSE_WORDS ? plan.match : undefined
}

/** Whether the list's other filters leave its order to the index walked, so probes follow it. */
export function probesInOrder(f: EventFilters, sort: EventSort): boolean {
  const rest = { ...f, q: undefined }
  return sort === 'date' || sort === '-date' ? onlyDates(rest) : Object.values(rest).every((v) => v === undefined)
}

/**
 * A list's spec; with `probe` or `inOrder` (see denseFilters), its count still gathers the
 * matches, as every event is visited anyway.
 */
export function eventListSpec(f: EventFilters, sort: EventSort, limit: number, cursor?: PageAt, probe?: string, inOrder: EventReading = false): ListSpec {
  const walk = inOrder === 'updates' || (inOrder && (sort === 'updated' || sort === '-updated')) ? 'updated' : inOrder
  const from = inOrder === 'updates' ? 'events e INDEXED BY events_updated_idx' : 'events e'
  const spec: ListSpec = { from, select: SELECT, ...eventWhere(f, probe, walk), sort: SORTS[sort], limit, cursor }
  return probe || inOrder ? { ...spec, count: { from: 'events e', ...eventWhere(f) } } : spec
}

/** A list's spec with its words and other filters checked the way denseWords and denseFilters pick. */
function chosenSpec(sqlite: Database.Database, f: EventFilters, sort: EventSort, limit: number, cursor?: PageAt): ListSpec {
  return eventListSpec(f, sort, limit, cursor, denseWords(sqlite, f, sort), eventReading(sqlite, f, sort))
}

export function listEvents(sqlite: Database.Database, f: EventFilters, sort: EventSort, limit: number, cursor?: PageAt): KeysetPage<EventRow> {
  return listPage<EventRow>(sqlite, chosenSpec(sqlite, f, sort, limit, cursor))
}

/** The cursor that resumes a listing in `sort` right after `row`. */
export const eventCursorOf = (sort: EventSort, row: EventRow) => cursorOf(SORTS[sort], row)

/** Filters the date-ordered covering index answers alone: a date range, or none. */
const onlyDates = (f: EventFilters) => Object.entries(f).every(([k, v]) => v === undefined || k === 'from' || k === 'to')

/**
 * What listEventsJson reads: the list's spec and each row's JSON expression. Listed by date with at
 * most a date range, the rows' text comes from events_start_brief_idx without visiting the table
 * (the planner, weighing the index's width, would pick the narrow date index and read every row).
 */
export function eventJsonSpec(f: EventFilters, sort: EventSort, limit: number, cursor?: string, probe?: string, inOrder: EventReading = false): { spec: ListSpec & { cursor?: string | undefined }, json: string } {
  const spec = { ...eventListSpec(f, sort, limit, cursor, probe, inOrder), cursor }
  return (sort === 'date' || sort === '-date') && onlyDates(f)
    ? { spec: onBriefIndex(spec), json: 'e.brief_json' }
    : { spec, json: EVENT_JSON }
}

/**
 * A list read from events_start_brief_idx. The index is partial (`brief_json IS NOT NULL`, true of
 * every row) so that only a query saying so can use it: left to choose, the planner took it for
 * counts over a date range, reading ten times the bytes of the narrow date index.
 */
function onBriefIndex<S extends ListSpec>(spec: S): S {
  return { ...spec, from: 'events e INDEXED BY events_start_brief_idx', where: [...spec.where, 'e.brief_json IS NOT NULL'] }
}

/** The page listEvents would give, each row as its JSON text. */
export function listEventsJson(sqlite: Database.Database, f: EventFilters, sort: EventSort, limit: number, cursor?: string): JsonPage {
  const { spec, json } = eventJsonSpec(f, sort, limit, cursor, denseWords(sqlite, f, sort), eventReading(sqlite, f, sort))
  return jsonPage(sqlite, spec, json)
}

/**
 * Whether a word search should run off the event loop: its words' exact forms alone match more
 * than `limit` indexed records, or the index is large enough that a prefix could (a short prefix's
 * matches cannot be known without gathering them, tens of milliseconds at a million records). The
 * count stops at the limit and reads exact terms only, so this takes well under a millisecond.
 */
export function searchOffLoop(sqlite: Database.Database, q: string, limit: number): boolean {
  if (indexTotals(sqlite).rows > LARGE_INDEX_ROWS) return true
  const n = prepared(sqlite, 'SELECT count(*) AS n FROM (SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT ?)').get(ftsTerms(q), limit + 1) as { n: number }
  return n.n > limit
}

/** Indexed records past which every word search runs off the event loop. */
export const LARGE_INDEX_ROWS = 200_000

/**
 * The number of events the filters select (`count=exact`, GraphQL totalCount). Words, an actor or
 * a figure range select events by id, and a type beside them was read from each match's whole row:
 * from events_stats_id_idx, which holds it, instead (two types with minKilled=1 at a million
 * events, 26,285 of them: 0.39 s → 0.24 s warm). Without a type the primary key alone answers and
 * is narrower; updated_at and a place are not in that index.
 */
export function countEvents(sqlite: Database.Database, f: EventFilters): number {
  const byId = Boolean(f.q || f.actor || hasFigureRange(f)) && Boolean(f.type?.length) && !f.place && !f.updatedSince
  return countRows(sqlite, { from: byId ? 'events e INDEXED BY events_stats_id_idx' : 'events e', ...eventWhere(f) })
}

export const hasFigureRange = (f: EventFilters) => f.minKilled !== undefined || f.maxKilled !== undefined || f.minDisplaced !== undefined || f.maxDisplaced !== undefined

export function getEvent(sqlite: Database.Database, id: string): EventRow | undefined {
  return prepared(sqlite, `SELECT ${SELECT} FROM events e WHERE e.id = ?`).get(id) as EventRow | undefined
}

export function eventsByIds(sqlite: Database.Database, ids: readonly string[]): EventRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM events e WHERE e.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as EventRow[]
}

export interface EventActorRow { eventId: string, actorId: string, role: ActorRole, name: string, kind: ActorKind }

/**
 * Actors with their roles for a batch of events, in one statement. The actors' names and kinds come
 * from actors_link_idx alone, which the planner, seeing the primary key, would not pick itself.
 */
export function actorsOfEvents(sqlite: Database.Database, eventIds: readonly string[]): EventActorRow[] {
  return prepared(sqlite, `SELECT ea.event_id AS eventId, ea.actor_id AS actorId, ea.role AS role, a.name AS name, a.kind AS kind
    FROM event_actors ea JOIN actors a INDEXED BY actors_link_idx ON a.id = ea.actor_id
    WHERE ea.event_id IN ${IN_JSON} ORDER BY ea.event_id, ea.role, a.name`).all(JSON.stringify(eventIds)) as EventActorRow[]
}

/** An actor's link to an event as actorNamesByEvent reads it: the event's place in the list asked for, the role, the actor's id and name. */
export type ActorNameLink = readonly [event: number, role: ActorRole, actorId: string, name: string]

/**
 * The actors of a batch of events with their roles, without the actors' kind (for readers that know
 * they need no more: GraphQL), in one statement: grouped by event in the order of `eventIds`, and
 * within an event in actorsOfEvents' order. Each row names its event by its place in the list
 * rather than by its id, and comes as an array rather than an object: at 150 links a page, the
 * driver's objects and id strings cost more than the reading.
 */
export function actorNamesByEvent(sqlite: Database.Database, eventIds: readonly string[]): ActorNameLink[][] {
  const j = idRows(eventIds)
  const rows = prepared(sqlite, `SELECT j.key, ea.role, ea.actor_id, a.name FROM ${j.sql} j
    JOIN event_actors ea ON ea.event_id = j.value JOIN actors a INDEXED BY actors_link_idx ON a.id = ea.actor_id
    ORDER BY j.key, ea.role, a.name`).raw(true).all(...j.params) as ActorNameLink[]
  const out: ActorNameLink[][] = eventIds.map(() => [])
  for (const r of rows) out[r[0]]!.push(r)
  return out
}

/** Event ids of statements for a batch of statements. */
export function eventIdsOfStatements(sqlite: Database.Database, statementIds: readonly string[]): { statementId: string, eventId: string }[] {
  return prepared(sqlite, `SELECT se.statement_id AS statementId, se.event_id AS eventId FROM statement_events se
    JOIN events e ON e.id = se.event_id
    WHERE se.statement_id IN ${IN_JSON} ORDER BY e.start_utc, e.id`).all(JSON.stringify(statementIds)) as { statementId: string, eventId: string }[]
}

export function groupBy<T, K extends keyof T>(rows: readonly T[], key: K): Map<T[K], T[]> {
  const out = new Map<T[K], T[]>()
  for (const r of rows) {
    const list = out.get(r[key])
    if (list) list.push(r)
    else out.set(r[key], [r])
  }
  return out
}

/**
 * The events of actors, for ownerPages/countByOwner keyed by `ea.actor_id`: by date, each event
 * once per actor whatever its roles, or only where the actor has `role`.
 */
export function actorEventsSpec(role: string | null, limit: number, cursor?: PageAt): ListSpec {
  return role
    ? { from: 'event_actors ea JOIN events e ON e.id = ea.event_id', select: SELECT, where: ['ea.role = ?'], params: [role], sort: SORTS.date, limit, cursor }
    : { from: '(SELECT DISTINCT actor_id, event_id FROM event_actors) ea JOIN events e ON e.id = ea.event_id', select: SELECT, where: [], params: [], sort: SORTS.date, limit, cursor }
}

/**
 * The keys of a brief event: what a listing shows, without the long texts and bookkeeping. Readers
 * that know which fields they need (GraphQL) read brief rows when these cover them: at a page of
 * 50 the columns nobody asked for cost more than finding the rows. One fixed set, not any subset,
 * so each filter combination is still one prepared statement (two with this one).
 */
export const EVENT_BRIEF_KEYS: readonly (keyof EventRow)[] = ['id', 'title', 'type', 'start', 'end', 'startSortKey', 'datePrecision', 'placeId', 'updatedAt']

/** A row read with its stored relation brief: the brief, null when none is stored, or absent when not read. */
export interface Related { relationBrief?: RelationBrief | null }

/**
 * listEvents with rows holding only EVENT_BRIEF_KEYS, or, listed by date with at most a date
 * range, the brief JSON object of listEventsJson (those keys and a few more) read from
 * events_start_brief_idx alone and parsed at once: two thirds of the time of the table's rows.
 * With `relations`, rows read from that index carry their stored relation briefs too.
 */
export function listEventsBrief(sqlite: Database.Database, f: EventFilters, sort: EventSort, limit: number, cursor?: PageAt, relations = false): KeysetPage<EventRow & Related> {
  const spec = chosenSpec(sqlite, f, sort, limit, cursor)
  if ((sort === 'date' || sort === '-date') && onlyDates(f)) {
    const onIndex = onBriefIndex(spec)
    const joined = relations ? withRelationBriefs(sqlite) : null
    // The count reads the narrow date index, not the wide one the page is read from.
    const count = { from: 'events e', where: spec.where, params: spec.params }
    return listPage<EventRow & Related>(sqlite, joined
      ? { ...onIndex, from: onIndex.from + joined.join, select: 'e.brief_json', rowJson: true, beside: { key: 'relationBrief', expr: joined.column }, count }
      : { ...onIndex, select: 'e.brief_json', rowJson: true, count })
  }
  return listPage<EventRow>(sqlite, { ...spec, select: narrowSelect(SELECT, EVENT_BRIEF_KEYS) })
}
