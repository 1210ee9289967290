import type { IResolvers, MercuriusContext } from 'mercurius'
import { getActor, listActors } from '../modules/actors/queries.ts'
import { listCasualties, summariseCasualties, type CasualtyFilters } from '../modules/casualties/queries.ts'
import { datasetInfo } from '../modules/dataset/queries.ts'
import { listDisplacement, type DisplacementFilters } from '../modules/displacement/queries.ts'
import { countEvents, getEvent, listEvents, type EventFilters, type EventSort } from '../modules/events/queries.ts'
import { getPlace, listPlaces } from '../modules/places/queries.ts'
import { search } from '../modules/search/queries.ts'
import { getSource, listSources } from '../modules/sources/queries.ts'
import { getStatement, listStatements, type StatementFilters } from '../modules/statements/queries.ts'
import { checkedFilter, connection, pageSize, sqliteOf } from './args.ts'
import { facetsField, statsQuery } from './stats.ts'

type Args<T = object> = T & { first?: number | null, after?: string | null }

const ORDERS: Record<string, EventSort> = { date_asc: 'date', date_desc: '-date', updated_asc: 'updated', updated_desc: '-updated' }

/**
 * Root fields. They call the same query functions as the REST routes; relations are resolved by
 * the loaders in loaders.ts, so a page costs the same number of statements whatever its size.
 */
export const resolvers: IResolvers = {
  Query: {
    events: (_: unknown, a: Args<{ filter?: EventFilters, orderBy?: string }>, ctx: MercuriusContext) => {
      const filter = checkedFilter(a.filter)
      const page = listEvents(sqliteOf(ctx), filter, ORDERS[a.orderBy ?? 'date_asc'] ?? 'date', pageSize(a.first), a.after ?? undefined)
      return { ...connection(page), filter }
    },
    event: (_: unknown, { id }: { id: string }, ctx: MercuriusContext) => getEvent(sqliteOf(ctx), id) ?? null,
    actors: (_: unknown, a: Args<{ kind?: string, q?: string }>, ctx: MercuriusContext) =>
      connection(listActors(sqliteOf(ctx), checkedFilter({ kind: a.kind, q: a.q }), pageSize(a.first), a.after ?? undefined)),
    actor: (_: unknown, { id }: { id: string }, ctx: MercuriusContext) => getActor(sqliteOf(ctx), id) ?? null,
    places: (_: unknown, a: Args<{ kind?: string, q?: string }>, ctx: MercuriusContext) =>
      connection(listPlaces(sqliteOf(ctx), checkedFilter({ kind: a.kind, q: a.q }), pageSize(a.first), a.after ?? undefined)),
    place: (_: unknown, { id }: { id: string }, ctx: MercuriusContext) => getPlace(sqliteOf(ctx), id) ?? null,
    casualtyReports: (_: unknown, a: Args<{ filter?: CasualtyFilters }>, ctx: MercuriusContext) =>
      connection(listCasualties(sqliteOf(ctx), checkedFilter(a.filter), pageSize(a.first), a.after ?? undefined)),
    casualtySummary: (_: unknown, a: { filter?: CasualtyFilters }, ctx: MercuriusContext) =>
      summariseCasualties(sqliteOf(ctx), checkedFilter(a.filter)),
    displacementCounts: (_: unknown, a: Args<{ filter?: DisplacementFilters }>, ctx: MercuriusContext) =>
      connection(listDisplacement(sqliteOf(ctx), checkedFilter(a.filter), pageSize(a.first), a.after ?? undefined)),
    statements: (_: unknown, a: Args<{ filter?: StatementFilters }>, ctx: MercuriusContext) =>
      connection(listStatements(sqliteOf(ctx), checkedFilter(a.filter), pageSize(a.first), a.after ?? undefined)),
    statement: (_: unknown, { id }: { id: string }, ctx: MercuriusContext) => getStatement(sqliteOf(ctx), id) ?? null,
    sources: (_: unknown, a: Args, ctx: MercuriusContext) =>
      connection(listSources(sqliteOf(ctx), {}, pageSize(a.first), a.after ?? undefined)),
    source: (_: unknown, { id }: { id: string }, ctx: MercuriusContext) => getSource(sqliteOf(ctx), id) ?? null,
    search: (_: unknown, a: { q: string, first?: number }, ctx: MercuriusContext) =>
      search(sqliteOf(ctx), a.q, pageSize(a.first, 20)),
    eventStats: statsQuery,
    dataset: (_: unknown, __: unknown, ctx: MercuriusContext) => ({
      ...datasetInfo(sqliteOf(ctx)),
      sources: listSources(sqliteOf(ctx), {}, 1000).rows,
    }),
  },
  EventConnection: {
    // Counted only when asked for: a count is a second scan that most pages do not need.
    totalCount: (parent: { filter: EventFilters }, _: unknown, ctx: MercuriusContext) => countEvents(sqliteOf(ctx), parent.filter),
    facets: facetsField,
  },
}
