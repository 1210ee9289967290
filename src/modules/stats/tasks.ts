import type Database from 'better-sqlite3'
import { readVersion } from '../../db/dataset.ts'
import { datasetInfo } from '../dataset/queries.ts'
import type { Page, PageAt } from '../../db/keyset.ts'
import { listCasualties, summariseCasualties, type CasualtyFilters } from '../casualties/queries.ts'
import { presentCasualties } from '../casualties/present.ts'
import { listDisplacement, type DisplacementFilters } from '../displacement/queries.ts'
import { countEvents, listEvents, listEventsJson, type EventFilters, type EventSort } from '../events/queries.ts'
import { eventCsvColumns } from '../events/csv.ts'
import { toCsv } from '../../http/csv.ts'
import { overview, type Overview } from '../pages/overview.ts'
import { timelineView, type Cursor } from '../pages/view.ts'
import { placeCountsOf } from '../pages/queries.ts'
import { searchPage } from '../search/queries.ts'
import { listStatements, type StatementFilters } from '../statements/queries.ts'
import { presentStatements } from '../statements/present.ts'
import { toGeoJson, toTimelineJs } from '../timeline/formats.ts'
import { eventViews } from '../timeline/queries.ts'
import { countFilteredEvents, eventFacets, type FacetField, type Facets } from './facets.ts'
import type { Measure } from './dimensions.ts'
import { eventStats, pickMeasures, type StatsOptions } from './queries.ts'

/**
 * The reads that may take long at a million events, by name. The pool's workers and the inline
 * runner call the same functions, so a worker answers exactly what the event loop would.
 */
export const TASKS = {
  eventStats: (db: Database.Database, a: { filters: EventFilters, options: StatsOptions }) => eventStats(db, a.filters, a.options),
  // The page's rows already written as JSON: the event loop then splices one string instead of
  // copying and writing thousands of objects (90 ms for 5000 rows at a million events).
  eventStatsJson: (db: Database.Database, a: { filters: EventFilters, options: StatsOptions, measures: Measure[] }) => {
    const page = eventStats(db, a.filters, a.options)
    return { rows: JSON.stringify(pickMeasures(page.rows, a.measures)), count: page.rows.length, nextCursor: page.nextCursor, source: page.source }
  },
  eventFacets: (db: Database.Database, a: { filters: EventFilters, fields: FacetField[] }) => eventFacets(db, a.filters, a.fields),
  countEvents: (db: Database.Database, a: { filters: EventFilters }) => countFilteredEvents(db, a.filters, (f) => countEvents(db, f)),
  casualtySummary: (db: Database.Database, a: { filters: CasualtyFilters }) => summariseCasualties(db, a.filters),
  pageOverview: (db: Database.Database, a: { filters: EventFilters }) => overview(db, a.filters),
  placeCounts: (db: Database.Database, a: { filters: EventFilters, limit: number }) => placeCountsOf(db, a.filters, a.limit),
  // The rest of the page's reads, given the parts above: its 50 events with every detail, the map's
  // places and the heading. A year at a million events held the event loop 86 ms the first time.
  pageView: (db: Database.Database, a: { filters: EventFilters, cursor: Cursor, overview: Overview, facets: Facets, placeCounts?: ReturnType<typeof placeCountsOf> | undefined }) =>
    timelineView(db, a.filters, a.cursor, a),
  // A list filtered by words sorts every match by date before it can give the first row: seconds
  // for a common word at a million events. Pages come back as their JSON or CSV text.
  eventPageJson: (db: Database.Database, a: EventPageArgs) => listEventsJson(db, a.filters, a.sort ?? 'date', a.limit, a.cursor),
  // Its CSV reads each event's place, actors and figures besides: a disk read apiece for pages of
  // a search no request has read (the event loop held 0.47 s on a cold file at a million events).
  eventPageCsv: (db: Database.Database, a: EventPageArgs) => {
    const page = listEvents(db, a.filters, a.sort ?? 'date', a.limit, a.cursor)
    return { csv: toCsv(page.rows, eventCsvColumns(db, page.rows)), nextCursor: page.nextCursor }
  },
  // A GraphQL page of events, with whether pages lie on either side (each a probe as costly as the page).
  eventConnectionPage: (db: Database.Database, a: { filters: EventFilters, sort: EventSort, limit: number, at?: PageAt }) => {
    const page = listEvents(db, a.filters, a.sort, a.limit, a.at)
    return { rows: page.rows, nextCursor: page.nextCursor, hasNext: page.hasNext(), hasPrevious: page.hasPrevious() }
  },
  // A map's or a timeline's page: up to 500 events with their places, figures and citations, read
  // and written as JSON text (40 ms at a million events on a warm file, 190 ms on cold pages).
  // The route adds what depends on the request (the next page's URL).
  geoJsonPage: (db: Database.Database, a: EventPageArgs & { linkBase: string }) => {
    const { views, nextCursor } = eventViews(db, a.filters, a.limit, a.cursor)
    return { features: JSON.stringify(toGeoJson(views, false, a.linkBase).features), nextCursor }
  },
  timelineJsPage: (db: Database.Database, a: EventPageArgs) => {
    const { views, nextCursor } = eventViews(db, a.filters, a.limit, a.cursor)
    const t = toTimelineJs(views)
    // In the order of the route's response schema, as its serialiser wrote it.
    return { json: `{"title":${JSON.stringify(t.title)},"events":${JSON.stringify(t.events)},"eras":${JSON.stringify(t.eras)}}`, nextCursor }
  },
  // Counting every table reads each one's smallest index whole: a third of a second at a million events.
  datasetInfo: (db: Database.Database, _a: Record<string, never>) => datasetInfo(db),
  // Statements filtered by words: every match is sorted by date before the first row, as for events.
  statementConnectionPage: (db: Database.Database, a: { filters: StatementFilters, limit: number, at?: PageAt }) => {
    const page = listStatements(db, a.filters, a.limit, a.at)
    return { rows: page.rows, nextCursor: page.nextCursor, hasNext: page.hasNext(), hasPrevious: page.hasPrevious() }
  },
  // The REST page with its events and citations: on pages of a search no other request has read,
  // each statement's citations are a disk read apiece, over a second on a cold file.
  statementListPage: (db: Database.Database, a: { filters: StatementFilters, limit: number, at?: PageAt }) => {
    const page = listStatements(db, a.filters, a.limit, a.at)
    return { rows: presentStatements(db, page.rows), nextCursor: page.nextCursor }
  },
  // Casualty reports by update time and outcome or group: no index holds both, and whichever way
  // the page is read, its reports lie apart in the file (seconds on a cold one at a million events).
  casualtyListPage: (db: Database.Database, a: { filters: CasualtyFilters, limit: number, at?: PageAt }) => {
    const page = listCasualties(db, a.filters, a.limit, a.at)
    return { rows: presentCasualties(db, page.rows), nextCursor: page.nextCursor }
  },
  // The same page as GraphQL reads it, with whether pages lie on either side.
  casualtyConnectionPage: (db: Database.Database, a: { filters: CasualtyFilters, limit: number, at?: PageAt }) => {
    const page = listCasualties(db, a.filters, a.limit, a.at)
    return { rows: page.rows, nextCursor: page.nextCursor, hasNext: page.hasNext(), hasPrevious: page.hasPrevious() }
  },
  // Totals of filtered lists (GraphQL totalCount): a count reads every match, seconds at a million events.
  countStatements: (db: Database.Database, a: { filters: StatementFilters }) => listStatements(db, a.filters, 1).count(),
  countCasualties: (db: Database.Database, a: { filters: CasualtyFilters }) => listCasualties(db, a.filters, 1).count(),
  countDisplacement: (db: Database.Database, a: { filters: DisplacementFilters }) => listDisplacement(db, a.filters, 1).count(),
  // Ranking a common word's candidates (bm25 over 2,000 matches) takes up to a tenth of a second.
  searchListPage: (db: Database.Database, a: { q: string, limit: number, cursor?: string | undefined }) => {
    const page = searchPage(db, a.q, a.limit, a.cursor)
    return { rows: page.rows, nextCursor: page.nextCursor }
  },
  searchConnectionPage: (db: Database.Database, a: { q: string, limit: number, at?: PageAt }) => {
    const page = searchPage(db, a.q, a.limit, a.at)
    return { rows: page.rows, nextCursor: page.nextCursor, hasNext: page.hasNext(), hasPrevious: page.hasPrevious() }
  },
  countMatches: (db: Database.Database, a: { q: string }) => searchPage(db, a.q, 1).count(),
}

interface EventPageArgs { filters: EventFilters, sort?: EventSort, limit: number, cursor?: string | undefined }

export type TaskName = keyof typeof TASKS
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]>[1]
export type TaskResult<K extends TaskName> = ReturnType<(typeof TASKS)[K]>

/** What a task sends back: its value and the dataset version of the snapshot it read. */
export interface Outcome { version: number, value: unknown }

/**
 * Runs a task in one read transaction, reading the dataset version first: every statement of the
 * task sees the snapshot that version names.
 */
export function runTask(db: Database.Database, task: TaskName, args: unknown): Outcome {
  const fn = TASKS[task] as (db: Database.Database, a: unknown) => unknown
  if (typeof fn !== 'function') throw new Error(`unknown stats task "${String(task)}"`)
  const read = () => ({ version: readVersion(db).version, value: fn(db, args) })
  return db.inTransaction ? read() : db.transaction(read)()
}
