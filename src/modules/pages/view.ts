import type Database from 'better-sqlite3'
import { encodeCursor } from '../../http/cursor.ts'
import { actorsByIds } from '../actors/queries.ts'
import { datasetInfo } from '../dataset/queries.ts'
import { listEvents } from '../events/queries.ts'
import { placesByIds } from '../places/queries.ts'
import { listSources } from '../sources/queries.ts'
import { eventStats } from '../stats/queries.ts'
import { eventFacets, FACET_FIELDS, type Facets } from '../stats/facets.ts'
import { withDetails, type PageEvent } from './data.ts'
import type { PageFilters } from './links.ts'
import { MAP_MAX_PLACES } from './map.ts'
import { overview, type Overview } from './overview.ts'
import { eventSpan, leadingCountries, placeCountsOverall, placesWithCounts, type MapPlace } from './queries.ts'

/** Events per page of the list: enough to read, few enough that a page stays small at any size. */
export const PAGE_SIZE = 50
/** A filtered view with more events than this draws its map from the budgeted place facet. */
const MAP_SCAN_MAX = 50_000

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
  list: { events: PageEvent[], next: string | null, prev: string | null }
}

const REGION = new Intl.DisplayNames(['en'], { type: 'region' })
const listWords = (xs: string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(xs)
const n = (v: number) => v.toLocaleString('en-GB')

/** Title and lede from the dataset's own metadata and records, so any imported dataset reads right. */
function datasetText(sqlite: Database.Database, o: { first: string, last: string } | null): Dataset {
  const info = datasetInfo(sqlite)
  const countries = leadingCountries(sqlite, 3).map((c) => { try { return REGION.of(c) ?? c } catch { return c } })
  const publishers = [...new Set(listSources(sqlite, {}, 50).rows.map((s) => s.publisher))].slice(0, 3)
  const span = o ? (o.first.slice(0, 4) === o.last.slice(0, 4) ? o.first.slice(0, 4) : `${o.first.slice(0, 4)}–${o.last.slice(0, 4)}`) : ''
  const c = info.counts
  const title = `${countries.length ? `${listWords(countries)}: ` : ''}${n(c.events)} cited event${c.events === 1 ? '' : 's'}${span ? `, ${span}` : ''}`
  const lede = `A timeline of ${n(c.events)} events with ${n(c.casualtyReports)} casualty reports, ${n(c.displacementCounts)} displacement counts `
    + `and ${n(c.statements)} statements, compiled from ${n(c.sources)} source${c.sources === 1 ? '' : 's'}`
    + `${publishers.length ? ` (${listWords(publishers)}${c.sources > publishers.length ? ' and others' : ''})` : ''}. Every figure links to the paragraph it comes from.`
  return { title, lede, version: info.version, updatedAt: info.updatedAt, licence: info.licence }
}

function mapPlaces(sqlite: Database.Database, f: PageFilters, total: number, facets: Facets): TimelineView['map'] {
  if (Object.values(f).every((v) => v === undefined)) {
    const { rows, more } = placeCountsOverall(sqlite, MAP_MAX_PLACES)
    return { places: placesWithCounts(sqlite, rows), more }
  }
  if (total > MAP_SCAN_MAX) {
    const top = facets.values.place
    return top ? { places: placesWithCounts(sqlite, top.map((v) => [v.value, v.count])), more: true } : null
  }
  const page = eventStats(sqlite, f, { groupBy: ['place'], limit: 5000 })
  const counts = page.rows.flatMap((r): [string, number][] => (r.key.place ? [[r.key.place.id, r.events]] : []))
    .sort((a, b) => b[1] - a[1])
  return { places: placesWithCounts(sqlite, counts.slice(0, MAP_MAX_PLACES)), more: counts.length > MAP_MAX_PLACES || page.nextCursor !== null }
}

function eventPage(sqlite: Database.Database, f: PageFilters, c: Cursor): TimelineView['list'] {
  const back = !!c.before && !c.after
  const page = back ? listEvents(sqlite, f, '-date', PAGE_SIZE, c.before) : listEvents(sqlite, f, 'date', PAGE_SIZE, c.after)
  const rows = back ? page.rows.reverse() : page.rows
  const first = rows[0], last = rows[rows.length - 1]
  const hasPrev = back ? page.nextCursor !== null : !!c.after
  const hasNext = back ? true : page.nextCursor !== null
  return {
    events: withDetails(sqlite, rows),
    prev: hasPrev && first ? encodeCursor('-date', [first.startSortKey, first.id]) : null,
    next: hasNext && last ? encodeCursor('date', [last.startSortKey, last.id]) : null,
  }
}

/** Everything the page at / shows for one view, each part read through the API's own query functions. */
export function timelineView(sqlite: Database.Database, f: PageFilters, c: Cursor): TimelineView {
  const ov = overview(sqlite, f)
  const total = [...ov.bins, ...ov.coarse].reduce((t, b) => t + b.events, 0)
  const facets = eventFacets(sqlite, f, FACET_FIELDS)
  const names: TimelineView['names'] = {}
  if (f.place) names.place = placesByIds(sqlite, [f.place])[0]?.name ?? f.place
  if (f.actor) names.actor = actorsByIds(sqlite, [f.actor])[0]?.name ?? f.actor
  return {
    filters: f,
    dataset: datasetText(sqlite, eventSpan(sqlite, {})),
    overview: ov,
    total,
    map: mapPlaces(sqlite, f, total, facets),
    facets,
    names,
    list: eventPage(sqlite, f, c),
  }
}
