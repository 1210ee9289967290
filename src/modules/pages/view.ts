import type Database from 'better-sqlite3'
import { count, eq, sql } from 'drizzle-orm'
import { actorsByIds } from '../actors/queries.ts'
import { readVersion } from '../../db/dataset.ts'
import { citations } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import { licence } from '../dataset/queries.ts'
import { listEvents } from '../events/queries.ts'
import { placesByIds } from '../places/queries.ts'
import { listSources } from '../sources/queries.ts'
import { countFilteredEvents, eventFacets, FACET_FIELDS, type Facets } from '../stats/facets.ts'
import { withDetails, type PageEvent } from './data.ts'
import type { PageFilters } from './links.ts'
import { MAP_MAX_PLACES } from './map.ts'
import { overview, type Overview } from './overview.ts'
import { eventSpan, leadingCountries, placeCountsOf, placeCountsOverall, placesWithCounts, type MapPlace } from './queries.ts'

/** Events per page of the list: enough to read, few enough that a page stays small at any size. */
export const PAGE_SIZE = 50
/**
 * A filtered view with more events than this draws its map from the budgeted place facet. Counting
 * places under date bounds alone reads a covering index (about 90 ms for 250,000 events); other
 * filters read the events themselves, several times slower.
 */
const MAP_SCAN_MAX = 50_000
const MAP_SCAN_MAX_DATES = 300_000

export interface Cursor { after?: string | undefined, before?: string | undefined }

export interface Dataset { title: string, lede: string, version: number, updatedAt: string, licence: string }

export interface TimelineView {
  filters: PageFilters
  dataset: Dataset
  overview: Overview
  total: number
  map: { places: MapPlace[], more: boolean } | null
  facets: Facets
  names: { place?: string, actor?: string }
  list: { events: PageEvent[], earlier: boolean, later: boolean }
}

const REGION = new Intl.DisplayNames(['en'], { type: 'region' })
const listWords = (xs: string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(xs)
const n = (v: number) => v.toLocaleString('en-GB')

/** Citations counted per source up to this many, along the source index: enough to rank a few publishers. */
const CITED_CAP = 1000
const cites = statements((db) => {
  const some = db.select({ one: sql`1` }).from(citations).where(eq(citations.sourceId, sql.placeholder('sourceId'))).limit(CITED_CAP).as('some')
  return db.select({ n: count() }).from(some).prepare()
})
const citedUpTo = (sqlite: Database.Database, sourceId: string) => cites(sqlite).get({ sourceId })!.n

/** Title and lede from the dataset's own metadata and records, so any imported dataset reads right. */
function datasetText(sqlite: Database.Database, o: { first: string, last: string } | null): Dataset {
  // GET /v1/dataset counts every table (a third of a second at a million events); the page needs
  // only the events, which the facet summary already holds, and the sources.
  const events = countFilteredEvents(sqlite, {}, () => 0)
  const v = readVersion(sqlite)
  const countries = leadingCountries(sqlite, 3).map((c) => { try { return REGION.of(c) ?? c } catch { return c } })
  const sources = listSources(sqlite, {}, 50)
  // Most cited first, so the lede names the sources the timeline rests on, not the first by id.
  // Counted up to CITED_CAP each along the source index: past it sources tie and keep their order by
  // id, and only the first 50 sources by id are weighed (a bound on the page's cost, not a ranking).
  const cited = new Map(sources.rows.map((s) => [s.id, citedUpTo(sqlite, s.id)]))
  const weight = new Map<string, number>()
  for (const s of sources.rows) weight.set(s.publisher, (weight.get(s.publisher) ?? 0) + cited.get(s.id)!)
  const publishers = [...weight.keys()].sort((a, b) => weight.get(b)! - weight.get(a)!)
  const named = publishers.slice(0, 3)
  const more = publishers.length > named.length || sources.nextCursor !== null
  const nSources = sources.nextCursor ? 'more than 50 sources' : `${n(sources.rows.length)} source${sources.rows.length === 1 ? '' : 's'}`
  const span = o ? (o.first.slice(0, 4) === o.last.slice(0, 4) ? o.first.slice(0, 4) : `${o.first.slice(0, 4)}–${o.last.slice(0, 4)}`) : ''
  const title = `${countries.length ? `${listWords(countries)}: ` : ''}${n(events)} cited event${events === 1 ? '' : 's'}${span ? `, ${span}` : ''}`
  const years = o ? (o.first.slice(0, 4) === o.last.slice(0, 4) ? ` in ${o.first.slice(0, 4)}` : ` from ${o.first.slice(0, 4)} to ${o.last.slice(0, 4)}`) : ''
  const lede = `A timeline of ${n(events)} event${events === 1 ? '' : 's'}${years}, compiled from ${nSources}`
    + `${named.length ? ` (${more ? `${named.join(', ')} and others` : listWords(named)})` : ''}.`
    + ' Each figure and claim names its source and paragraph; see the shape over time, then where, then the cited facts.'
  return { title, lede, version: v.version, updatedAt: v.updatedAt, licence: licence(v.version) }
}

/** The events the overview counts: the total of the view. */
export const overviewTotal = (ov: Overview) => [...ov.bins, ...ov.coarse].reduce((t, b) => t + b.events, 0)

/**
 * Whether the map counts the view's events by place, reading every one of them (the page's
 * route has that done off the event loop), rather than reading a summary or the place facet.
 */
export function mapScans(f: PageFilters, total: number): boolean {
  if (Object.values(f).every((v) => v === undefined)) return false
  const datesOnly = Object.entries(f).every(([k, v]) => v === undefined || k === 'from' || k === 'to')
  return total <= (datesOnly ? MAP_SCAN_MAX_DATES : MAP_SCAN_MAX)
}

type PlaceCounts = ReturnType<typeof placeCountsOf>

function mapPlaces(sqlite: Database.Database, f: PageFilters, total: number, facets: Facets, counted?: PlaceCounts): TimelineView['map'] {
  if (Object.values(f).every((v) => v === undefined)) {
    const { rows, more } = placeCountsOverall(sqlite, MAP_MAX_PLACES)
    return { places: placesWithCounts(sqlite, rows), more }
  }
  if (!mapScans(f, total)) {
    const top = facets.values.place
    return top ? { places: placesWithCounts(sqlite, top.map((v) => [v.value, v.count])), more: true } : null
  }
  const { rows, more } = counted ?? placeCountsOf(sqlite, f, MAP_MAX_PLACES)
  return { places: placesWithCounts(sqlite, rows), more }
}

function eventPage(sqlite: Database.Database, f: PageFilters, c: Cursor): TimelineView['list'] {
  const back = !!c.before && !c.after
  const page = back ? listEvents(sqlite, f, '-date', PAGE_SIZE, c.before) : listEvents(sqlite, f, 'date', PAGE_SIZE, c.after)
  return {
    events: withDetails(sqlite, back ? page.rows.reverse() : page.rows),
    earlier: back ? page.nextCursor !== null : !!c.after,
    later: back ? true : page.nextCursor !== null,
  }
}

/** Everything the page at / shows for one view, each part read through the API's own query functions. */
export function timelineView(sqlite: Database.Database, f: PageFilters, c: Cursor, ready: { overview?: Overview, facets?: Facets, placeCounts?: PlaceCounts } = {}): TimelineView {
  const ov = ready.overview ?? overview(sqlite, f)
  const total = overviewTotal(ov)
  const facets = ready.facets ?? eventFacets(sqlite, f, FACET_FIELDS)
  const names: TimelineView['names'] = {}
  if (f.place) names.place = placesByIds(sqlite, [f.place])[0]?.name ?? f.place
  if (f.actor) names.actor = actorsByIds(sqlite, [f.actor])[0]?.name ?? f.actor
  return {
    filters: f,
    dataset: datasetText(sqlite, eventSpan(sqlite, {})),
    overview: ov,
    total,
    map: mapPlaces(sqlite, f, total, facets, ready.placeCounts),
    facets,
    names,
    list: eventPage(sqlite, f, c),
  }
}
