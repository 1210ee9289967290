import type { FacetField } from '../stats/facets.ts'
import type { StatsRunner } from '../stats/pool.ts'
import type { EventFilters } from './queries.ts'

/**
 * The URL of this list narrowed to one facet value, from the first page; `base` as in nextUrl.
 * Null where no URL narrows it: beside an actor filter, another actor's count is of the events with
 * both, and setting `actor` to it would replace the filter, not add to it.
 */
export function narrowed(base: string, url: string, field: FacetField, value: string): string | null {
  const u = new URL(url, 'http://localhost')
  const current = u.searchParams.get(field)
  if (field === 'actor' && current !== null && current !== value) return null
  u.searchParams.delete('cursor')
  u.searchParams.set(field, value)
  return `${base}${u.pathname}${u.search}`
}

/** `meta.total` and `meta.facets` of an event list, when asked for. */
export async function listExtras(stats: StatsRunner, version: number, gone: AbortSignal, link: { base: string, url: string }, filters: EventFilters, facets?: FacetField[], count?: 'exact') {
  const extras: { total?: number, facets?: Record<string, object[]>, facetsCutShort?: string[] } = {}
  // Both run on the stats workers: a count or a facet over a broad filter reads many rows.
  if (count) extras.total = await stats.run('countEvents', { filters }, version, gone)
  if (facets) {
    const found = await stats.run('eventFacets', { filters, fields: facets }, version, gone)
    extras.facets = Object.fromEntries(Object.entries(found.values).map(([field, values]) =>
      [field, values.map((v) => ({ ...v, href: narrowed(link.base, link.url, field as FacetField, v.value) }))]))
    extras.facetsCutShort = found.cutShort
  }
  return extras
}
