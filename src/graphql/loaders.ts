import type Database from 'better-sqlite3'
import DataLoader from 'dataloader'
import type { IResolvers, MercuriusContext } from 'mercurius'
import type { RecordType } from '../domain/vocabulary.ts'
import { actorsByIds, type ActorRow } from '../modules/actors/queries.ts'
import { casualtiesOfEvents } from '../modules/casualties/queries.ts'
import { RESOURCES } from '../modules/curation/resources.ts'
import { displacementOfEvents } from '../modules/displacement/queries.ts'
import { actorsOfEvents, eventIdsOfStatements, eventsByIds, eventsOfActors, type EventRow } from '../modules/events/queries.ts'
import { placesByIds, type PlaceRow } from '../modules/places/queries.ts'
import { citationsFor, sourcesByIds, type CitationRow, type SourceRow } from '../modules/sources/queries.ts'
import { statementsBySpeakers, statementsOfEvents } from '../modules/statements/queries.ts'
import { groupedByKey, pageSize } from './args.ts'

/** A loader of records by id: one statement per batch, results in the order of the keys. */
function byId<T extends { id: string }>(load: (ids: string[]) => T[]) {
  return new DataLoader<string, T | null>(async (ids) => {
    const map = new Map(load([...ids]).map((r) => [r.id, r]))
    return ids.map((id) => map.get(id) ?? null)
  })
}

/** A loader of the rows that belong to each owner id. */
function byOwner<T>(load: (ids: string[]) => T[], ownerOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (ids) => groupedByKey([...ids], load([...ids]), ownerOf))
}

/**
 * The per-request loaders behind every relation in schema.graphql. Keys are plain ids, so batching
 * costs a map lookup per field rather than a serialisation of the parent object, and a page costs
 * one statement per relation whatever its size.
 */
export function createLoaders(sqlite: Database.Database) {
  const citations = Object.fromEntries(RESOURCES.filter((r) => r.cited).map((r) => [r.recordType,
    byOwner<CitationRow>((ids) => citationsFor(sqlite, r.recordType as RecordType, ids), (c) => c.recordId)]))
  return {
    actor: byId<ActorRow>((ids) => actorsByIds(sqlite, ids)),
    place: byId<PlaceRow>((ids) => placesByIds(sqlite, ids)),
    event: byId<EventRow>((ids) => eventsByIds(sqlite, ids)),
    source: byId<SourceRow>((ids) => sourcesByIds(sqlite, ids)),
    eventActors: byOwner((ids) => actorsOfEvents(sqlite, ids), (r) => r.eventId),
    eventCasualties: byOwner((ids) => casualtiesOfEvents(sqlite, ids), (r) => r.eventId),
    eventDisplacement: byOwner((ids) => displacementOfEvents(sqlite, ids), (r) => r.eventId!),
    eventStatements: byOwner((ids) => statementsOfEvents(sqlite, ids), (r) => r.eventId),
    statementEvents: byOwner((ids) => eventIdsOfStatements(sqlite, ids), (r) => r.statementId),
    speakerStatements: byOwner((ids) => statementsBySpeakers(sqlite, ids), (r) => r.speakerId),
    // Keyed by "actorId|role|first": a page of actors asks with the same arguments, one statement.
    actorEvents: new DataLoader<string, EventRow[]>(async (keys) => {
      const groups = new Map<string, string[]>()
      for (const k of keys) {
        const [id, rest] = [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1)]
        groups.set(rest, [...(groups.get(rest) ?? []), id])
      }
      const found = new Map<string, EventRow[]>()
      for (const [rest, ids] of groups) {
        const [role, first] = rest.split('|')
        const rows = groupedByKey(ids, eventsOfActors(sqlite, ids, role || null, Number(first)), (r) => r.actorId)
        ids.forEach((id, i) => found.set(`${id}|${rest}`, rows[i]!))
      }
      return keys.map((k) => found.get(k) ?? [])
    }),
    citations,
    revisions: Object.fromEntries(RESOURCES.map((r) => [r.recordType, byOwner((ids) => revisionsOf(sqlite, r.recordType, ids), (x) => x.recordId)])),
  }
}

export type Loaders = ReturnType<typeof createLoaders>

declare module 'mercurius' {
  interface MercuriusContext { loaders: Loaders }
}

function revisionsOf(sqlite: Database.Database, type: string, ids: string[]) {
  const rows = sqlite.prepare(`SELECT record_id AS recordId, id, operation, key_name AS keyName, at, dataset_version AS datasetVersion, before, after
    FROM revisions WHERE record_type = ? AND record_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(type, JSON.stringify(ids)) as { recordId: string, before: string | null, after: string | null }[]
  return rows.map((r) => ({ ...r, before: r.before && JSON.parse(r.before), after: r.after && JSON.parse(r.after) }))
}

type Ctx = MercuriusContext
const one = (load: (ctx: Ctx) => DataLoader<string, unknown>, key: string) =>
  (parent: Record<string, unknown>, _: unknown, ctx: Ctx) => (parent[key] ? load(ctx).load(parent[key] as string) : null)
const many = (load: (ctx: Ctx) => DataLoader<string, unknown[]>) =>
  (parent: { id: string }, _: unknown, ctx: Ctx) => load(ctx).load(parent.id)
const cited = (type: string) => many((ctx) => ctx.loaders.citations[type]!)
const history = (type: string) => many((ctx) => ctx.loaders.revisions[type]!)

/** Field resolvers for every relation, each through a loader. */
export const relationResolvers: IResolvers = {
  Event: {
    place: one((c) => c.loaders.place, 'placeId'),
    actors: many((c) => c.loaders.eventActors),
    casualtyReports: many((c) => c.loaders.eventCasualties),
    displacementCounts: many((c) => c.loaders.eventDisplacement),
    statements: many((c) => c.loaders.eventStatements),
    citations: cited('event'),
    revisions: history('event'),
  },
  EventActor: { actor: one((c) => c.loaders.actor, 'actorId') },
  Actor: {
    affiliation: one((c) => c.loaders.actor, 'affiliationId'),
    events: (a: { id: string }, args: { role?: string | null, first?: number | null }, ctx: Ctx) =>
      ctx.loaders.actorEvents.load(`${a.id}|${args.role ?? ''}|${pageSize(args.first)}`),
    statements: many((c) => c.loaders.speakerStatements),
    citations: cited('actor'),
    revisions: history('actor'),
  },
  Place: { parent: one((c) => c.loaders.place, 'parentId'), citations: cited('place'), revisions: history('place') },
  Source: { revisions: history('source') },
  CasualtyReport: {
    event: one((c) => c.loaders.event, 'eventId'),
    reportedBy: one((c) => c.loaders.actor, 'reportedById'),
    victimActor: one((c) => c.loaders.actor, 'victimActorId'),
    perpetratorActor: one((c) => c.loaders.actor, 'perpetratorActorId'),
    citations: cited('casualty_report'),
    revisions: history('casualty_report'),
  },
  DisplacementCount: {
    event: one((c) => c.loaders.event, 'eventId'),
    origin: one((c) => c.loaders.place, 'originPlaceId'),
    destination: one((c) => c.loaders.place, 'destinationPlaceId'),
    reportedBy: one((c) => c.loaders.actor, 'reportedById'),
    relayedBy: one((c) => c.loaders.actor, 'relayedById'),
    citations: cited('displacement_count'),
    revisions: history('displacement_count'),
  },
  Statement: {
    speaker: one((c) => c.loaders.actor, 'speakerId'),
    events: async (s: { id: string }, _: unknown, ctx: Ctx) => {
      const links = await ctx.loaders.statementEvents.load(s.id)
      return (await ctx.loaders.event.loadMany(links.map((l) => l.eventId))).filter((e) => e && !(e instanceof Error))
    },
    citations: cited('statement'),
    revisions: history('statement'),
  },
  Citation: { source: (c: { source: { id: string } }, _: unknown, ctx: Ctx) => ctx.loaders.source.load(c.source.id) },
}
