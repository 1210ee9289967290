import type { MercuriusContext, MercuriusLoaders } from 'mercurius'
import { actorsByIds } from '../modules/actors/queries.ts'
import { casualtiesOfEvents } from '../modules/casualties/queries.ts'
import { displacementOfEvents } from '../modules/displacement/queries.ts'
import { actorsOfEvents, eventIdsOfStatements, eventsByIds } from '../modules/events/queries.ts'
import { placesByIds } from '../modules/places/queries.ts'
import { citationsFor, sourcesByIds } from '../modules/sources/queries.ts'
import { statementsBySpeakers, statementsOfEvents } from '../modules/statements/queries.ts'
import { eventsOfActors } from '../modules/events/queries.ts'
import type { RecordType } from '../domain/vocabulary.ts'
import { byKey, groupedByKey, sqliteOf } from './args.ts'

type Q<T, P = unknown> = { obj: T, params: P }[]
type WithId = { id: string }

/** A loader for a to-one relation held as an id column on the parent row. */
function toOne<P extends object>(column: keyof P & string, load: (ctx: MercuriusContext, ids: string[]) => WithId[]) {
  return async (queries: Q<P>, ctx: MercuriusContext) => {
    const keys = queries.map((q) => (q.obj as Record<string, unknown>)[column] as string | null)
    const wanted = [...new Set(keys.filter((k): k is string => k !== null))]
    const rows = wanted.length ? load(ctx, wanted) : []
    const found = byKey(wanted, rows, (r) => r.id)
    const map = new Map(wanted.map((k, i) => [k, found[i]]))
    return keys.map((k) => (k === null ? null : map.get(k) ?? null))
  }
}

function citations(type: RecordType) {
  return async (queries: Q<WithId>, ctx: MercuriusContext) => {
    const ids = queries.map((q) => q.obj.id)
    return groupedByKey(ids, citationsFor(sqliteOf(ctx), type, ids), (c) => c.recordId)
  }
}

const actorById = (ctx: MercuriusContext, ids: string[]) => actorsByIds(sqliteOf(ctx), ids)
const placeById = (ctx: MercuriusContext, ids: string[]) => placesByIds(sqliteOf(ctx), ids)
const eventById = (ctx: MercuriusContext, ids: string[]) => eventsByIds(sqliteOf(ctx), ids)

/** Every relation in schema.graphql, batched per request: one statement per relation and page. */
export const loaders: MercuriusLoaders = {
  Event: {
    place: toOne('placeId', placeById),
    actors: async (queries: Q<WithId>, ctx) => {
      const ids = queries.map((q) => q.obj.id)
      return groupedByKey(ids, actorsOfEvents(sqliteOf(ctx), ids), (r) => r.eventId)
    },
    casualtyReports: async (queries: Q<WithId>, ctx) => {
      const ids = queries.map((q) => q.obj.id)
      return groupedByKey(ids, casualtiesOfEvents(sqliteOf(ctx), ids), (r) => r.eventId)
    },
    displacementCounts: async (queries: Q<WithId>, ctx) => {
      const ids = queries.map((q) => q.obj.id)
      return groupedByKey(ids, displacementOfEvents(sqliteOf(ctx), ids), (r) => r.eventId!)
    },
    statements: async (queries: Q<WithId>, ctx) => {
      const ids = queries.map((q) => q.obj.id)
      return groupedByKey(ids, statementsOfEvents(sqliteOf(ctx), ids), (r) => r.eventId)
    },
    citations: citations('event'),
  },
  EventActor: { actor: toOne('actorId', actorById) },
  Actor: {
    affiliation: toOne('affiliationId', actorById),
    events: async (queries: Q<WithId, { role?: string | null, first?: number | null }>, ctx) => {
      // One statement per distinct (role, first) pair: a page of actors asks with the same arguments.
      const out: unknown[][] = new Array(queries.length)
      const groups = new Map<string, number[]>()
      queries.forEach((q, i) => {
        const key = JSON.stringify([q.params.role ?? null, q.params.first ?? 50])
        groups.set(key, [...(groups.get(key) ?? []), i])
      })
      for (const [key, idx] of groups) {
        const [role, first] = JSON.parse(key) as [string | null, number]
        const ids = idx.map((i) => queries[i]!.obj.id)
        const rows = groupedByKey(ids, eventsOfActors(sqliteOf(ctx), ids, role, Math.min(Math.max(first, 1), 200)), (r) => r.actorId)
        idx.forEach((i, j) => { out[i] = rows[j]! })
      }
      return out
    },
    statements: async (queries: Q<WithId>, ctx) => {
      const ids = queries.map((q) => q.obj.id)
      return groupedByKey(ids, statementsBySpeakers(sqliteOf(ctx), ids), (r) => r.speakerId)
    },
    citations: citations('actor'),
  },
  Place: {
    parent: toOne('parentId', placeById),
    citations: citations('place'),
  },
  CasualtyReport: {
    event: toOne('eventId', eventById),
    reportedBy: toOne('reportedById', actorById),
    victimActor: toOne('victimActorId', actorById),
    perpetratorActor: toOne('perpetratorActorId', actorById),
    citations: citations('casualty_report'),
  },
  DisplacementCount: {
    event: toOne('eventId', eventById),
    origin: toOne('originPlaceId', placeById),
    destination: toOne('destinationPlaceId', placeById),
    reportedBy: toOne('reportedById', actorById),
    relayedBy: toOne('relayedById', actorById),
    citations: citations('displacement_count'),
  },
  Statement: {
    speaker: toOne('speakerId', actorById),
    events: async (queries: Q<WithId>, ctx) => {
      const ids = queries.map((q) => q.obj.id)
      const links = eventIdsOfStatements(sqliteOf(ctx), ids)
      const events = new Map(eventsByIds(sqliteOf(ctx), [...new Set(links.map((l) => l.eventId))]).map((e) => [e.id, e]))
      return groupedByKey(ids, links, (l) => l.statementId).map((ls) => ls.map((l) => events.get(l.eventId)!))
    },
    citations: citations('statement'),
  },
  Citation: {
    source: async (queries: Q<{ source: { id: string } }>, ctx) => {
      const ids = [...new Set(queries.map((q) => q.obj.source.id))]
      const map = new Map(sourcesByIds(sqliteOf(ctx), ids).map((s) => [s.id, s]))
      return queries.map((q) => map.get(q.obj.source.id) ?? null)
    },
  },
}
