import type { MercuriusContext } from 'mercurius'
import { clientGone } from '../http/gone.ts'
import { InvalidCursorError, InvalidParameterError } from '../errors.ts'
import type { EventFilters } from '../modules/events/queries.ts'
import type { Dimension, Period } from '../modules/stats/dimensions.ts'
import type { CasualtyFilters } from '../modules/casualties/queries.ts'
import type { FacetField } from '../modules/stats/facets.ts'
import { RULE } from '../modules/stats/queries.ts'
import { STATS_LIMIT_MAX } from '../modules/stats/schemas.ts'
import { checkedFilter } from './args.ts'

interface StatsArgs { filter?: EventFilters, groupBy?: Dimension[] | null, period?: Period | null, first?: number | null, after?: string | null }

/** eventStats and EventConnection.facets: the same query functions as GET /v1/stats/events and ?facets=. */
export const statsQuery = async (_: unknown, a: StatsArgs, ctx: MercuriusContext) => {
  const groupBy = a.groupBy ?? ['period']
  if (new Set(groupBy).size !== groupBy.length) throw new InvalidParameterError('groupBy: a dimension is named twice')
  const first = a.first ?? 1000
  if (!Number.isInteger(first) || first < 1 || first > STATS_LIMIT_MAX) throw new InvalidParameterError(`first: must be between 1 and ${STATS_LIMIT_MAX}`)
  const period = a.period ?? 'month'
  if (a.after === '') throw new InvalidCursorError('after is empty')
  const page = await ctx.app.stats.run('eventStats', { filters: checkedFilter(a.filter), options: { groupBy, period, limit: first, cursor: a.after ?? undefined } }, versionOf(ctx), goneOf(ctx))
  return {
    rows: page.rows.map((r) => ({ ...r, figures: Object.entries(r.figures).map(([measure, f]) => ({ measure, ...f })) })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
    source: page.source,
    rule: RULE,
  }
}

export const facetsField = async (parent: { filter: EventFilters }, a: { fields: FacetField[] }, ctx: MercuriusContext) => {
  const found = await ctx.app.stats.run('eventFacets', { filters: parent.filter, fields: [...new Set(a.fields)] }, versionOf(ctx), goneOf(ctx))
  return { fields: Object.entries(found.values).map(([field, values]) => ({ field, values })), cutShort: found.cutShort }
}

/** casualtySummary: the same task as GET /v1/casualty-reports/summary. */
export const casualtySummaryQuery = async (filter: CasualtyFilters | null | undefined, ctx: MercuriusContext) =>
  ctx.app.stats.run('casualtySummary', { filters: checkedFilter(filter) }, versionOf(ctx), goneOf(ctx))

// The version the response is promised under: read before the query by the caching hooks over GET.
export const versionOf = (ctx: MercuriusContext) => ctx.reply?.request.datasetVersion ?? 0
/** Fires when the client leaves (clientGone); stats tasks of a query stop with it. */
export const goneOf = (ctx: MercuriusContext): AbortSignal | undefined => (ctx.reply ? clientGone(ctx.reply) : undefined)
