import type Database from 'better-sqlite3'
import { getTableColumns } from 'drizzle-orm'
import { cursorOf, idRows, IN_JSON, listPage, type KeysetPage, type ListSpec, type PageAt, type SortSpec, type SqlValue } from '../../db/keyset.ts'
import { binaryOrder } from '../../db/collation.ts'
import { allRows, prepared } from '../../db/prepared.ts'
import { casualtyReports, events } from '../../db/schema.ts'
import { narrowSelect, selectList } from '../../db/projection.ts'
import type { CasualtyOutcome, VictimGroup } from '../../domain/vocabulary.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'

/** A casualty report with its event's title and dates, without the dataset version. */
export type CasualtyRow = Omit<typeof casualtyReports.$inferSelect, 'version'> & { eventTitle: string, eventStart: string, eventSortKey: string }

export interface CasualtyFilters {
  event?: string | undefined, outcome?: string | undefined, victimGroup?: string | undefined, actor?: string | undefined,
  from?: string | undefined, to?: string | undefined, updatedSince?: string | undefined
}

const { version: _version, id, eventId, createdAt, updatedAt, ...reported } = getTableColumns(casualtyReports)
const SELECT = [
  selectList('c', { id, eventId }), selectList('e', { eventTitle: events.title, eventStart: events.start }),
  selectList('c', reported), selectList('e', { eventSortKey: events.startUtc }), selectList('c', { createdAt, updatedAt }),
].join(', ')
const FROM = 'casualty_reports c JOIN events e ON e.id = c.event_id'

/**
 * How the filters are read: gathered through the indexes the planner picks; along the events
 * (`walk`, every report filter checked per report); or gathered through casualty_updated_idx
 * (`byUpdate`) or casualty_outcome_idx (`byKind`), the other filters checked per report.
 */
type Reading = 'gather' | 'walk' | 'byUpdate' | 'byKind'

function where(f: CasualtyFilters, reading: Reading = 'gather'): { where: string[], params: SqlValue[] } {
  const where: string[] = [], params: SqlValue[] = []
  // An actor's figures are found through the indexes on each actor column (MULTI-INDEX OR). Beside
  // it, the outcome and group are written `+c.col`, which keeps them off casualty_outcome_idx: the
  // planner, without statistics, would otherwise prefer that index and read a whole outcome.
  const col = (c: string) => (f.actor || reading === 'walk' || reading === 'byUpdate' ? `+c.${c}` : `c.${c}`)
  if (f.event) { where.push('c.event_id = ?'); params.push(f.event) }
  if (f.outcome) { where.push(`${col('outcome')} = ?`); params.push(f.outcome) }
  if (f.victimGroup) { where.push(`${col('victim_group')} = ?`); params.push(f.victimGroup) }
  if (f.actor) {
    where.push('(c.reported_by_id = ? OR c.victim_actor_id = ? OR c.perpetrator_actor_id = ? OR c.event_id IN (SELECT event_id FROM event_actors WHERE actor_id = ?))')
    params.push(f.actor, f.actor, f.actor, f.actor)
  }
  if (f.from) { where.push('e.start_utc >= ?'); params.push(lowerBound(f.from)) }
  if (f.to) { where.push('e.start_utc < ?'); params.push(upperBoundExclusive(f.to)) }
  if (f.updatedSince) { where.push(`${reading === 'walk' || reading === 'byKind' ? '+' : ''}c.updated_at >= ?`); params.push(lowerBound(f.updatedSince)) }
  return { where, params }
}

const BY_DATE: SortSpec = { name: 'casualty-reports:date', desc: false, columns: [{ expr: 'e.start_utc', key: 'eventSortKey' }, { expr: 'c.id', key: 'id' }] }

/** The cursor that resumes a listing of reports right after `row`. */
export const casualtyCursorOf = (row: CasualtyRow) => cursorOf(BY_DATE, row)

export function listCasualties(sqlite: Database.Database, f: CasualtyFilters, limit: number, cursor?: PageAt): KeysetPage<CasualtyRow> {
  return listPage<CasualtyRow>(sqlite, casualtyListing(sqlite, f, limit, cursor))
}

/** What listCasualties reads; `dense` is DENSE_REPORTS but for tests on small databases. */
export function casualtyListing(sqlite: Database.Database, f: CasualtyFilters, limit: number, cursor?: PageAt, dense = DENSE_REPORTS): ListSpec {
  const spec = casualtyListSpec(f, limit, cursor)
  const reading = casualtyReading(sqlite, f, dense)
  if (reading === 'gather') return spec
  const w = where(f, reading)
  return reading === 'walk'
    ? { ...spec, from: 'events e CROSS JOIN casualty_reports c ON e.id = c.event_id', where: w.where, params: w.params }
    : { ...spec, where: w.where, params: w.params }
}

/**
 * Whether a page is read on the stats workers: any filter but a single event's or the dates, where
 * casualtyReading may walk thousands of events or gather as many reports, each a read of its own
 * on a cold file. At a million events, on the event loop: outcome=injured&updatedSince 4.8 s;
 * outcome=injured&from=2020-06 held it 539 ms on its first request after a start (37 ms warm), an
 * actor with an outcome 115 ms. The unfiltered list and date ranges find a page in the first
 * hundred events of their walk and stay on the loop, as does one event's handful of reports.
 */
export const casualtiesOffLoop = (f: CasualtyFilters) => Boolean((f.outcome || f.victimGroup || f.updatedSince || f.actor) && !f.event)

/** Matching reports from which a list is read by walking the events in date order. */
export const DENSE_REPORTS = 5000

/** Events whose reports are sampled, and matches among them, past which a walk is taken (see casualtyReading). */
export const SAMPLE_EVENTS = 2000
const SAMPLE_MATCHES = 5

/**
 * Whether a page is found sooner by walking the events in date order and probing each one's
 * reports than by gathering the matching reports and sorting them by their event's date. Left to
 * itself SQLite gathers: every report (half a million at a million events) joined to its event and
 * sorted, 0.4 to 0.8 s on the event loop for the first page. Walking finds a page in a few thousand
 * probes when at least DENSE_REPORTS reports match, which an index tells by counting no further;
 * fewer are gathered and sorted quickly. An event or an actor narrows better through its own index.
 *
 * updatedSince beside an outcome or group has no index that counts both: either counted alone
 * under DENSE_REPORTS bounds the matches, and they are gathered through that index; both above it,
 * the reports of the walk's first SAMPLE_EVENTS events tell whether matches lie close enough
 * together for a walk (five in the sample or more: a page within some 20,000 events), as they do
 * unless the two are bunched apart. Gathered whole, outcome=killed&updatedSince held the event
 * loop 0.4 s warm, 1 s cold at a million events.
 */
export function casualtyReading(sqlite: Database.Database, f: CasualtyFilters, dense: number): Reading {
  if (f.event || f.actor) return 'gather'
  const byKind = Boolean(f.outcome || f.victimGroup)
  if (!byKind && !f.updatedSince) return 'walk'
  const kind: string[] = [], kindParams: SqlValue[] = []
  if (f.outcome) { kind.push('outcome = ?'); kindParams.push(f.outcome) }
  if (f.victimGroup) { kind.push('victim_group = ?'); kindParams.push(f.victimGroup) }
  const count = (index: string, terms: string[], params: SqlValue[]) => prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM casualty_reports INDEXED BY ${index} WHERE ${terms.join(' AND ')} LIMIT ?)`)
    .pluck().get(...params, dense) as number
  const updated = f.updatedSince ? count('casualty_updated_idx', ['updated_at >= ?'], [lowerBound(f.updatedSince)]) : Infinity
  const ofKind = byKind ? count('casualty_outcome_idx', kind, kindParams) : Infinity
  if (!byKind || !f.updatedSince) return Math.min(updated, ofKind) >= dense ? 'walk' : 'gather'
  if (updated < dense) return 'byUpdate'
  if (ofKind < dense) return 'byKind'
  return sampledMatches(sqlite, f) >= Math.min(SAMPLE_MATCHES, dense) ? 'walk' : 'gather'
}

/** Reports matching `f` among those of the first SAMPLE_EVENTS events in date order, as a walk would read them. */
function sampledMatches(sqlite: Database.Database, f: CasualtyFilters): number {
  const dates: string[] = [], params: SqlValue[] = []
  if (f.from) { dates.push('start_utc >= ?'); params.push(lowerBound(f.from)) }
  if (f.to) { dates.push('start_utc < ?'); params.push(upperBoundExclusive(f.to)) }
  const checks: string[] = []
  if (f.outcome) { checks.push('c.outcome = ?'); params.push(f.outcome) }
  if (f.victimGroup) { checks.push('c.victim_group = ?'); params.push(f.victimGroup) }
  checks.push('c.updated_at >= ?')
  params.push(lowerBound(f.updatedSince!))
  return prepared(sqlite, `SELECT count(*) FROM (SELECT id FROM events INDEXED BY events_start_idx${dates.length ? ` WHERE ${dates.join(' AND ')}` : ''}
    ORDER BY start_utc, id LIMIT ?) e CROSS JOIN casualty_reports c INDEXED BY casualty_event_idx ON c.event_id = e.id WHERE ${checks.join(' AND ')}`)
    .pluck().get(...params.slice(0, dates.length), SAMPLE_EVENTS, ...params.slice(dates.length)) as number
}

/** The listing as a spec; with ownerPages keyed by `c.event_id` it pages each event's figures. */
export function casualtyListSpec(f: CasualtyFilters, limit: number, cursor?: PageAt): ListSpec {
  const w = where(f)
  return {
    from: FROM, select: SELECT, ...w, limit, cursor,
    sort: BY_DATE,
    // Only the date filters read the event; without them a count needs no join.
    count: f.from || f.to ? undefined : { from: 'casualty_reports c', ...w },
  }
}

export function getCasualty(sqlite: Database.Database, id: string): CasualtyRow | undefined {
  return prepared(sqlite, `SELECT ${SELECT} FROM ${FROM} WHERE c.id = ?`).get(id) as CasualtyRow | undefined
}

export function casualtiesOfEvents(sqlite: Database.Database, eventIds: readonly string[]): CasualtyRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM ${FROM} WHERE c.event_id IN ${IN_JSON} ORDER BY c.event_id, c.outcome, c.id`)
    .all(JSON.stringify(eventIds)) as CasualtyRow[]
}

export interface CasualtySummaryRow {
  outcome: CasualtyOutcome, victimGroup: VictimGroup, reportCount: number, eventCount: number,
  low: number | null, lowIfDisjoint: number | null, high: number | null,
  qualifiers: string[], note: string
}

interface SummaryAggregate {
  outcome: CasualtyOutcome, victimGroup: VictimGroup, reportCount: number, eventCount: number, lowCount: number,
  low: number | null, lowIfDisjoint: number | null, highCount: number, highSum: number | null, qualifiers: string
}

/**
 * Totals per outcome and victim group. Reports of one group may count the same people twice (a
 * peacekeeper killed in an offensive is also one of its dead), so the safe lower bound is the
 * largest single low; the sum is given apart, as what holds only if the reports are disjoint.
 * The upper bound is the sum of the highs, which overlap can only lower.
 * Groups are never added to each other. Aggregated in SQL, so the answer has one row per group
 * (at most twelve) whatever the number of reports; the reports themselves are a link away.
 */
export function summariseCasualties(sqlite: Database.Database, f: CasualtyFilters): CasualtySummaryRow[] {
  const w = where(f)
  // The event is joined only for a date filter: the rest reads casualty_summary_idx alone.
  // Only bounds the wording gives: "about 120" has neither, "up to 50" only a high.
  const rows = prepared(sqlite, `SELECT outcome, victimGroup, count(*) AS reportCount, count(DISTINCT eventId) AS eventCount,
      count(el) AS lowCount, max(el) AS low, sum(el) AS lowIfDisjoint, count(eh) AS highCount, sum(eh) AS highSum,
      group_concat(DISTINCT qualifier) AS qualifiers
    FROM (SELECT c.outcome AS outcome, c.victim_group AS victimGroup, c.event_id AS eventId, c.qualifier AS qualifier,
      coalesce(c.low, CASE WHEN c.qualifier = 'exact' THEN coalesce(c.high, c.best) END) AS el,
      coalesce(c.high, CASE WHEN c.qualifier = 'exact' THEN coalesce(c.low, c.best) END) AS eh
      FROM ${f.from || f.to ? FROM : 'casualty_reports c'}${w.where.length ? ` WHERE ${w.where.join(' AND ')}` : ''})
    GROUP BY outcome, victimGroup ORDER BY outcome, victimGroup`).all(...w.params) as SummaryAggregate[]
  return rows.map((g) => {
    const qualifiers = g.qualifiers.split(',').sort()
    const notes: string[] = []
    if (g.reportCount > 1) notes.push('several reports: low is the largest single lower bound; lowIfDisjoint adds them up and holds only if they count different people')
    if (qualifiers.length > 1) notes.push(`reports are qualified differently (${qualifiers.join(', ')})`)
    if (g.highCount < g.reportCount) notes.push('no upper bound: at least one report gives none')
    if (g.lowCount < g.reportCount) notes.push('at least one report gives no lower bound, so low counts only the others')
    return {
      outcome: g.outcome,
      victimGroup: g.victimGroup,
      reportCount: g.reportCount,
      eventCount: g.eventCount,
      low: g.low,
      lowIfDisjoint: g.lowIfDisjoint,
      high: g.highCount < g.reportCount ? null : g.highSum,
      qualifiers,
      note: notes.join('; ') || 'one report',
    }
  })
}

export function casualtiesByIds(sqlite: Database.Database, ids: readonly string[]): CasualtyRow[] {
  return prepared(sqlite, `SELECT ${SELECT} FROM ${FROM} WHERE c.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as CasualtyRow[]
}

/**
 * The keys of a brief casualty report: the figure and its wording, without notes, actors and the
 * event's title. Readers that know which fields they need (GraphQL) read brief rows when these
 * cover them.
 */
export const CASUALTY_BRIEF_KEYS: readonly (keyof CasualtyRow)[] = ['id', 'eventId', 'outcome', 'victimGroup', 'low', 'high', 'best', 'qualifier', 'reportedPhrase', 'eventSortKey', 'updatedAt']

/**
 * The figures of given events (for ownerPages keyed by `c.event_id`), as casualtyListSpec pages them,
 * with rows holding only CASUALTY_BRIEF_KEYS. The figures are found first and their event after:
 * most events have none, and reading each event first costs a row lookup apiece.
 */
export function eventCasualtiesBriefSpec(limit: number, cursor?: PageAt): ListSpec {
  return { ...casualtyListSpec({}, limit, cursor), from: 'casualty_reports c CROSS JOIN events e ON e.id = c.event_id', select: narrowSelect(SELECT, CASUALTY_BRIEF_KEYS) }
}

/** CASUALTY_BRIEF_KEYS but the two an event's own row gives: its id and its date. */
const OWN_BRIEF_SELECT = narrowSelect(SELECT, CASUALTY_BRIEF_KEYS.filter((k) => k !== 'eventId' && k !== 'eventSortKey'))

/**
 * The first `limit + 1` brief figures of each event, as eventCasualtiesBriefSpec pages them from the
 * start, or null when some event has more figures than the statement may read (then page them with
 * the spec). Within one event that order, the event's date then the figure's id, is by id alone, so
 * the rows need neither the events table nor a window numbering them: one lookup per event in
 * casualty_event_idx, which holds the brief columns, the event's id and date set from its row, and
 * the order checked here.
 */
export function firstCasualtiesOfEvents(sqlite: Database.Database, events: readonly { id: string, startSortKey: string }[], limit: number): Map<string, CasualtyRow[]> | null {
  // Reading stops at the cap, so an event with many figures costs no more than the pages it asked for.
  const cap = events.length * (limit + 1)
  const j = idRows(events.map((e) => e.id))
  const rows = allRows<CasualtyRow & { k?: number }>(prepared(sqlite, `SELECT j.key AS k, NULL AS eventId, NULL AS eventSortKey, ${OWN_BRIEF_SELECT} FROM ${j.sql} j JOIN casualty_reports c INDEXED BY casualty_event_idx ON c.event_id = j.value LIMIT ?`),
    [...j.params, cap + 1])
  if (rows.length > cap) return null
  const out = new Map<string, CasualtyRow[]>(events.map((e) => [e.id, []]))
  for (const r of rows) {
    const event = events[r.k!]!
    r.eventId = event.id
    r.eventSortKey = event.startSortKey
    out.get(event.id)!.push(r)
  }
  for (const list of out.values()) if (!inIdOrder(list)) list.sort((a, b) => binaryOrder(a.id, b.id))
  return out
}

const inIdOrder = (rows: readonly { id: string }[]) => rows.every((r, i) => i === 0 || binaryOrder(rows[i - 1]!.id, r.id) < 0)
