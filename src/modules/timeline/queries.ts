import type Database from 'better-sqlite3'
import { casualtiesOfEvents } from '../casualties/queries.ts'
import { displacementOfEvents } from '../displacement/queries.ts'
import { listEvents, type EventFilters, type EventRow } from '../events/queries.ts'
import { placesByIds, type PlaceRow } from '../places/queries.ts'
import { citationsFor, type CitationRow } from '../sources/queries.ts'
import { groupedByKey } from '../../graphql/args.ts'

/**
 * Events per view, by default and at most: each costs several batched lookups, and a view is built
 * in memory before it is sent, so a page is kept small enough to stay well under 100 ms of work.
 */
export const VIEW_PAGE_EVENTS = 200
export const VIEW_MAX_EVENTS = 500

export interface EventView {
  event: EventRow
  place: PlaceRow | null
  figures: { phrase: string, kind: 'casualty' | 'displacement', detail: string, sources: string }[]
  sources: string
}

const cite = (cs: CitationRow[]) => [...new Set(cs.map((c) => `${c.source.publisher}, ${c.source.publishedDate}, ${c.locator}`))].join('; ')

/**
 * The matching events in date order with their place and their figures worded as reported, each
 * with its sources: what a map popup or a timeline slide shows. One keyset page at a time.
 */
export function eventViews(sqlite: Database.Database, filters: EventFilters, limit = VIEW_PAGE_EVENTS, cursor?: string): { views: EventView[], nextCursor: string | null } {
  const page = listEvents(sqlite, filters, 'date', limit, cursor)
  const events = page.rows
  const ids = events.map((e) => e.id)
  const places = new Map(placesByIds(sqlite, [...new Set(events.map((e) => e.placeId).filter((p): p is string => p !== null))]).map((p) => [p.id, p]))
  const casualties = groupedByKey(ids, casualtiesOfEvents(sqlite, ids), (c) => c.eventId)
  const displacement = groupedByKey(ids, displacementOfEvents(sqlite, ids), (d) => d.eventId!)
  const figureIds = [...casualties.flat().map((c) => c.id)]
  const citeOf = (type: 'event' | 'casualty_report' | 'displacement_count', recIds: string[]) =>
    new Map(groupedByKey(recIds, citationsFor(sqlite, type, recIds), (c) => c.recordId).map((cs, i) => [recIds[i]!, cs]))
  const eventCites = citeOf('event', ids)
  const casualtyCites = citeOf('casualty_report', figureIds)
  const displacementCites = citeOf('displacement_count', displacement.flat().map((d) => d.id))
  const views = events.map((event, i) => ({
    event,
    place: event.placeId ? places.get(event.placeId) ?? null : null,
    figures: [
      ...casualties[i]!.map((c) => ({ kind: 'casualty' as const, phrase: c.reportedPhrase, detail: `${c.outcome}, ${c.victimGroup}`, sources: cite(casualtyCites.get(c.id) ?? []) })),
      ...displacement[i]!.map((d) => ({ kind: 'displacement' as const, phrase: d.reportedPhrase, detail: `${d.metric.replaceAll('_', ' ')}, as of ${d.asOf}`, sources: cite(displacementCites.get(d.id) ?? []) })),
    ],
    sources: cite(eventCites.get(event.id) ?? []),
  }))
  return { views, nextCursor: page.nextCursor }
}
