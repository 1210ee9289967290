import type { MercuriusContext } from 'mercurius'
import { InvalidParameterError } from '../errors.ts'
import type { EventFilters } from '../modules/events/queries.ts'
import type { Dimension, Period } from '../modules/stats/dimensions.ts'
import { eventFacets, type FacetField } from '../modules/stats/facets.ts'
import { eventStats, RULE } from '../modules/stats/queries.ts'
import { STATS_LIMIT_MAX } from '../modules/stats/schemas.ts'
import { checkedFilter, sqliteOf } from './args.ts'

interface StatsArgs { filter?: EventFilters, groupBy?: Dimension[] | null, period?: Period | null, first?: number | null, after?: string | null }

/** eventStats and EventConnection.facets: the same query functions as GET /v1/stats/events and ?facets=. */
export const statsQuery = (_: unknown, a: StatsArgs, ctx: MercuriusContext) => {
  const groupBy = a.groupBy ?? ['period']
  if (new Set(groupBy).size !== groupBy.length) throw new InvalidParameterError('groupBy: a dimension is named twice')
  const first = a.first ?? 1000
  if (!Number.isInteger(first) || first < 1 || first > STATS_LIMIT_MAX) throw new InvalidParameterError(`first: must be between 1 and ${STATS_LIMIT_MAX}`)
  const period = a.period ?? 'month'
  const page = eventStats(sqliteOf(ctx), checkedFilter(a.filter), { groupBy, period, limit: first, cursor: a.after ?? undefined })
  return {
    rows: page.rows.map((r) => ({ ...r, figures: Object.entries(r.figures).map(([measure, f]) => ({ measure, ...f })) })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
    source: page.source,
    rule: RULE,
  }
}

export const facetsField = (parent: { filter: EventFilters }, a: { fields: FacetField[] }, ctx: MercuriusContext) => {
  const found = eventFacets(sqliteOf(ctx), parent.filter, [...new Set(a.fields)])
  return { fields: Object.entries(found.values).map(([field, values]) => ({ field, values })), cutShort: found.cutShort }
}
