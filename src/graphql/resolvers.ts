import type { GraphQLResolveInfo } from 'graphql'
import type { IResolvers, MercuriusContext } from 'mercurius'
import { InvalidParameterError } from '../errors.ts'
import { listActors } from '../modules/actors/queries.ts'
import { casualtiesOffLoop, casualtyCursorOf, listCasualties, type CasualtyFilters } from '../modules/casualties/queries.ts'
import { listDisplacement, type DisplacementFilters } from '../modules/displacement/queries.ts'
import type { KeysetPage, PageAt } from '../db/keyset.ts'
import { EVENT_BRIEF_KEYS, eventCursorOf, listEvents, listEventsBrief, searchOffLoop, type EventFilters, type EventRow, type EventSort } from '../modules/events/queries.ts'
import { listPlaces } from '../modules/places/queries.ts'
import { COMMON_WORD_MATCHES, searchCursorOf, searchPage, type SearchHit } from '../modules/search/queries.ts'
import { listSources } from '../modules/sources/queries.ts'
import { listStatements, statementCursorOf, type StatementFilters } from '../modules/statements/queries.ts'
import { checkedFilter, checkedText, connection, connectionResolvers, pageInfoResolvers, paging, sqliteOf, type PagingArgs } from './args.ts'
import { localFilter, localId, parseGlobalId, TYPE_NAMES } from './ids.ts'
import { briefEnough, CONNECTION, selectsAny } from './projection.ts'
import { BRIEF_RELATIONS } from './briefs.ts'
import { casualtySummaryQuery, facetsField, goneOf, statsQuery, versionOf } from './stats.ts'

type Ctx = MercuriusContext
type Args<T = object> = T & PagingArgs

const ORDERS: Record<string, EventSort> = { date_asc: 'date', date_desc: '-date', updated_asc: 'updated', updated_desc: '-updated' }

/** A record by type and own id through the request's loaders, tagged for the Node interface. */
async function record(ctx: Ctx, recordType: string, id: string) {
  const row = await ctx.loaders.records[recordType]!.load(id)
  return row && { ...row, __typename: TYPE_NAMES[recordType] }
}

// Ids hold 1 to TEXT_ARG_MAX characters, as on REST (a global id's own part, past its type).
const byId = (recordType: string) => (_: unknown, { id }: { id: string }, ctx: Ctx) => record(ctx, recordType, checkedText('id', localId(id, recordType, 'id')))

/** A global id that names nothing (unknown type, malformed) is simply not found, as Relay expects. */
function nodeOf(ctx: Ctx, id: string, argument = 'id') {
  const parsed = parseGlobalId(id)
  checkedText(argument, parsed ? parsed.id : id)
  return parsed ? record(ctx, parsed.recordType, parsed.id) : null
}

/**
 * Root fields. They call the same query functions as the REST routes; relations are resolved by
 * the loaders in loaders.ts, so a page costs the same number of statements whatever its size.
 */
const query = {
  node: (_: unknown, { id }: { id: string }, ctx: Ctx) => nodeOf(ctx, id),
  nodes: (_: unknown, { ids }: { ids: string[] }, ctx: Ctx) => {
    if (ids.length > 200) throw new InvalidParameterError('ids: at most 200')
    return ids.map((id, i) => nodeOf(ctx, id, `ids.${i}`))
  },
  events: async (_: unknown, a: Args<{ filter?: EventFilters, orderBy?: string }>, ctx: Ctx, info: GraphQLResolveInfo) => {
    const { limit, at } = paging(a)
    const filter = checkedFilter(localFilter(a.filter))
    const sort = ORDERS[a.orderBy ?? 'date_asc'] ?? 'date'
    // The filter rides along for EventConnection.facets; assigned, not spread, so no getter runs.
    if (filter.q && searchOffLoop(sqliteOf(ctx), filter.q, COMMON_WORD_MATCHES)) {
      return Object.assign(await commonWordEvents(ctx, filter, sort, limit, at), { filter })
    }
    const page = briefEnough(info, 'Event', EVENT_BRIEF_KEYS, CONNECTION)
      ? listEventsBrief(sqliteOf(ctx), filter, sort, limit, at, selectsAny(info, CONNECTION, BRIEF_RELATIONS))
      : listEvents(sqliteOf(ctx), filter, sort, limit, at)
    return Object.assign(connection(ctx.loaders.pages.marked(page), () => ctx.app.stats.run('countEvents', { filters: filter }, versionOf(ctx), goneOf(ctx))), { filter })
  },
  event: byId('event'),
  actors: (_: unknown, a: Args<{ kind?: string, q?: string }>, ctx: Ctx) => {
    const { limit, at } = paging(a)
    return connection(listActors(sqliteOf(ctx), checkedFilter({ kind: a.kind, q: a.q }), limit, at))
  },
  actor: byId('actor'),
  places: (_: unknown, a: Args<{ kind?: string, q?: string }>, ctx: Ctx) => {
    const { limit, at } = paging(a)
    return connection(listPlaces(sqliteOf(ctx), checkedFilter({ kind: a.kind, q: a.q }), limit, at))
  },
  place: byId('place'),
  casualtyReports: async (_: unknown, a: Args<{ filter?: CasualtyFilters }>, ctx: Ctx) => {
    const { limit, at } = paging(a)
    const filters = checkedFilter(localFilter(a.filter))
    const count = () => ctx.app.stats.run('countCasualties', { filters }, versionOf(ctx), goneOf(ctx))
    if (!casualtiesOffLoop(filters)) return connection(listCasualties(sqliteOf(ctx), filters, limit, at), count)
    const read = await ctx.app.stats.run('casualtyConnectionPage', { filters, limit, at }, versionOf(ctx), goneOf(ctx))
    return connection(workerPage(read, casualtyCursorOf), count)
  },
  casualtyReport: byId('casualty_report'),
  casualtySummary: (_: unknown, a: { filter?: CasualtyFilters }, ctx: Ctx) =>
    casualtySummaryQuery(localFilter(a.filter), ctx),
  displacementCounts: (_: unknown, a: Args<{ filter?: DisplacementFilters }>, ctx: Ctx) => {
    const { limit, at } = paging(a)
    const filters = checkedFilter(localFilter(a.filter))
    return connection(listDisplacement(sqliteOf(ctx), filters, limit, at), () => ctx.app.stats.run('countDisplacement', { filters }, versionOf(ctx), goneOf(ctx)))
  },
  displacementCount: byId('displacement_count'),
  statements: async (_: unknown, a: Args<{ filter?: StatementFilters }>, ctx: Ctx) => {
    const { limit, at } = paging(a)
    const filters = checkedFilter(localFilter(a.filter))
    const count = () => ctx.app.stats.run('countStatements', { filters }, versionOf(ctx), goneOf(ctx))
    if (!filters.q || !searchOffLoop(sqliteOf(ctx), filters.q, COMMON_WORD_MATCHES)) return connection(listStatements(sqliteOf(ctx), filters, limit, at), count)
    const read = await ctx.app.stats.run('statementConnectionPage', { filters, limit, at }, versionOf(ctx), goneOf(ctx))
    return connection(workerPage(read, statementCursorOf), count)
  },
  statement: byId('statement'),
  sources: (_: unknown, a: Args, ctx: Ctx) => {
    const { limit, at } = paging(a)
    return connection(listSources(sqliteOf(ctx), {}, limit, at))
  },
  source: byId('source'),
  search: async (_: unknown, a: Args<{ q: string }>, ctx: Ctx) => {
    checkedText('q', a.q)
    const { limit, at } = paging(a, 20)
    if (!searchOffLoop(sqliteOf(ctx), a.q, COMMON_WORD_MATCHES)) return connection(searchPage(sqliteOf(ctx), a.q, limit, at, false))
    // Large indexes and common words: gathering a prefix's matches can take tens of milliseconds.
    const read = await ctx.app.stats.run('searchConnectionPage', { q: a.q, limit, at }, versionOf(ctx), goneOf(ctx))
    return connection(workerPage(read, searchCursorOf), () => ctx.app.stats.run('countMatches', { q: a.q }, versionOf(ctx), goneOf(ctx)))
  },
  dataset: (_: unknown, __: unknown, ctx: Ctx) => ctx.app.stats.run('datasetInfo', {}, versionOf(ctx), goneOf(ctx)),
  eventStats: statsQuery,
}

/**
 * Events matching common words, as REST reads them: every match is sorted before the first row is
 * known (seconds at a million events), so the page and its neighbour probes are read on the stats
 * workers, and so is the total when asked for.
 */
async function commonWordEvents(ctx: Ctx, filters: EventFilters, sort: EventSort, limit: number, at: PageAt) {
  const read = await ctx.app.stats.run('eventConnectionPage', { filters, sort, limit, at }, versionOf(ctx), goneOf(ctx))
  const page = workerPage<EventRow>(read, (row) => eventCursorOf(sort, row))
  return connection(ctx.loaders.pages.marked(page), () => ctx.app.stats.run('countEvents', { filters }, versionOf(ctx), goneOf(ctx)))
}

/** A page read on a worker, with its neighbours known; its total is counted there too, when asked. */
function workerPage<T>(read: { rows: T[], nextCursor: string | null, hasNext: boolean, hasPrevious: boolean }, cursorOf: (row: T) => string): KeysetPage<T> {
  return {
    rows: read.rows,
    nextCursor: read.nextCursor,
    cursorOf,
    hasNext: () => read.hasNext,
    hasPrevious: () => read.hasPrevious,
    count: () => { throw new Error('counted on the stats workers') },
  }
}

const CONNECTIONS = ['Event', 'Actor', 'Place', 'CasualtyReport', 'DisplacementCount', 'Statement', 'Source', 'SearchHit', 'Revision']

export const resolvers: IResolvers = {
  Query: query,
  Node: { resolveType: (r: { __typename: string }) => r.__typename },
  ...Object.fromEntries(CONNECTIONS.map((name) => [`${name}Connection`, connectionResolvers])),
  EventConnection: { ...connectionResolvers, facets: facetsField },
  PageInfo: pageInfoResolvers,
  SearchHit: { node: (h: SearchHit, _: unknown, ctx: Ctx) => record(ctx, h.recordType, h.recordId) },
  Dataset: {
    sources: (_: unknown, a: Args, ctx: Ctx) => {
      const { limit, at } = paging(a)
      return connection(listSources(sqliteOf(ctx), {}, limit, at))
    },
  },
}
