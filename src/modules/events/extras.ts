import type Database from 'better-sqlite3'
import { countFilteredEvents, eventFacets, type FacetField } from '../stats/facets.ts'
import { countEvents, type EventFilters } from './queries.ts'

/** The URL of this list narrowed to one facet value, from the first page. */
export function narrowed(url: string, field: FacetField, value: string): string {
  const u = new URL(url, 'http://localhost')
  u.searchParams.delete('cursor')
  u.searchParams.set(field, value)
  return `${u.pathname}${u.search}`
}

/** `meta.total` and `meta.facets` of an event list, when asked for. */
export function listExtras(sqlite: Database.Database, url: string, filters: EventFilters, facets?: FacetField[], count?: 'exact') {
  const extras: { total?: number, facets?: Record<string, object[]>, facetsCutShort?: string[] } = {}
  if (count) extras.total = countFilteredEvents(sqlite, filters, (f) => countEvents(sqlite, f))
  if (facets) {
    const found = eventFacets(sqlite, filters, facets)
    extras.facets = Object.fromEntries(Object.entries(found.values).map(([field, values]) =>
      [field, values.map((v) => ({ ...v, href: narrowed(url, field as FacetField, v.value) }))]))
    extras.facetsCutShort = found.cutShort
  }
  return extras
}
