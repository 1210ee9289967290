import type Database from 'better-sqlite3'
import DataLoader from 'dataloader'
import type { GraphQLResolveInfo } from 'graphql'
import type { IResolvers, MercuriusContext } from 'mercurius'
import type { RecordType } from '../domain/vocabulary.ts'
import { actorsByIds, type ActorRow } from '../modules/actors/queries.ts'
import { casualtiesByIds, casualtyListSpec, CASUALTY_BRIEF_KEYS, eventCasualtiesBriefSpec, firstCasualtiesOfEvents, type CasualtyRow } from '../modules/casualties/queries.ts'
import { revisionsSpec, versionsOf, type RevisionRow } from '../modules/curation/queries.ts'
import { RESOURCE_BY_TYPE, RESOURCES } from '../modules/curation/resources.ts'
import { displacementByIds, displacementListSpec } from '../modules/displacement/queries.ts'
import { actorEventsSpec, actorNamesByEvent, actorsOfEvents, eventIdsOfStatements, eventsByIds, type EventActorRow, type EventRow } from '../modules/events/queries.ts'
import { externalIdsOf } from '../modules/events/external-ids.ts'
import type { ActorRole } from '../domain/vocabulary.ts'
import { PLACE_BRIEF_KEYS, placesBriefByIds, placesByIds, type PlaceRow } from '../modules/places/queries.ts'
import { citationsFor, sourcesByIds, type CitationRow, type SourceRow } from '../modules/sources/queries.ts'
import { eventStatementsSpec, statementListSpec, statementsByIds, type StatementRow } from '../modules/statements/queries.ts'
import { groupedByKey } from './args.ts'
import { ACTOR_LINK_KEYS, actorsOfBrief, figuresOfBriefs, pageBriefs, PLACE_LINK_KEYS, placeOfBrief } from './briefs.ts'
import { globalId, TYPE_NAMES } from './ids.ts'
import { ownedConnections } from './nested.ts'
import { briefEnough, CONNECTION, LINKED_ACTOR, OBJECT } from './projection.ts'
import { Pages } from './siblings.ts'

/** Records by id, in the order of the keys: one statement per batch. */
const idBatch = <T extends { id: string }>(load: (ids: string[]) => T[]) => (ids: readonly string[]): (T | null)[] => {
  const map = new Map(load([...ids]).map((r) => [r.id, r]))
  return ids.map((id) => map.get(id) ?? null)
}

/** The rows that belong to each owner id, in the order of the keys. */
const ownerBatch = <T>(load: (ids: string[]) => T[], ownerOf: (row: T) => string) =>
  (ids: readonly string[]): T[][] => groupedByKey([...ids], load([...ids]), ownerOf)

const loaderOf = <V>(batch: (keys: readonly string[]) => V[]) => new DataLoader<string, V>(async (keys) => batch(keys))
const byId = <T extends { id: string }>(load: (ids: string[]) => T[]) => loaderOf(idBatch(load))
const byOwner = <T>(load: (ids: string[]) => T[], ownerOf: (row: T) => string) => loaderOf(ownerBatch(load, ownerOf))

type Db = Database.Database

/**
 * Members by record type, each made on first use and then kept: a request builds only the loaders
 * its query reaches. The getters are defined once, on a class made per kind of member: getters
 * defined on each request's object gave each object a hidden class of its own, which the collector
 * paid for on every request.
 */
function byType<T>(types: readonly { recordType: string }[], make: (sqlite: Db, recordType: string) => T): (sqlite: Db) => Record<string, T> {
  class ByType {
    readonly made = new Map<string, T>()
    constructor(readonly sqlite: Db) {}
  }
  for (const { recordType } of types) {
    Object.defineProperty(ByType.prototype, recordType, {
      get(this: ByType) {
        let value = this.made.get(recordType)
        if (value === undefined) this.made.set(recordType, value = make(this.sqlite, recordType))
        return value
      },
    })
  }
  return (sqlite) => new ByType(sqlite) as unknown as Record<string, T>
}

/**
 * The per-request loaders behind every relation in schema.graphql. Keys are plain ids, so batching
 * costs a map lookup per field rather than a serialisation of the parent object, and a page costs
 * one statement per relation whatever its size. The brief ones read fewer columns (projection.ts).
 * Each is made on first use and kept for the request (a page of events reaches a handful of the
 * forty or so): getters of a class calling functions of this module, so that a request allocates
 * nothing for the loaders it never reaches, where closures and property definitions per request
 * cost more than a page of events' other bookkeeping.
 */
export class Loaders {
  readonly pages = new Pages()
  readonly #made: Record<string, unknown> = {}

  constructor(private readonly sqlite: Db) {}

  private once<T>(key: string, make: (sqlite: Db, loaders: Loaders) => T): T {
    return (this.#made[key] ??= make(this.sqlite, this)) as T
  }

  get records() { return this.once('records', makeRecords) }
  // Relations of the rows of a top-level page of events, read for the page at once (siblings.ts).
  get eventPlace() { return this.once('eventPlace', makeEventPlace) }
  get eventPlaceBrief() { return this.once('eventPlaceBrief', makeEventPlaceBrief) }
  get eventActorsOf() { return this.once('eventActorsOf', makeEventActorsOf) }
  get eventActorNamesOf() { return this.once('eventActorNamesOf', makeEventActorNamesOf) }
  // The stored relation briefs of a top-level page's events, read once for the page (briefs.ts).
  get briefOf() { return this.once('briefOf', (s, l) => pageBriefs(s, l.pages)) }
  get actor() { return this.records.actor as DataLoader<string, ActorRow | null> }
  get place() { return this.records.place as DataLoader<string, PlaceRow | null> }
  get placeBrief() { return this.once('placeBrief', (s) => loaderOf(placeBriefBatch(s))) }
  get event() { return this.records.event as DataLoader<string, EventRow | null> }
  get source() { return this.records.source as DataLoader<string, SourceRow | null> }
  get eventActors() { return this.once('eventActors', (s) => loaderOf(eventActorsBatch(s))) }
  get eventActorNames() { return this.once('eventActorNames', (s) => loaderOf(eventActorNamesBatch(s))) }
  get eventCasualties() { return this.once('eventCasualties', makeEventCasualties) }
  get eventCasualtiesBrief() { return this.once('eventCasualtiesBrief', makeEventCasualtiesBrief) }
  get eventDisplacement() { return this.once('eventDisplacement', (s) => ownedConnections(s, (a) => displacementListSpec({}, a.limit, a.at), 'd.event_id')) }
  get statementEvents() { return this.once('statementEvents', (s) => byOwner((ids) => eventIdsOfStatements(s, ids), (r) => r.statementId)) }
  get actorEvents() { return this.once('actorEvents', (s) => ownedConnections<EventRow>(s, (a) => actorEventsSpec((a.role as string | undefined) ?? null, a.limit, a.at), 'ea.actor_id')) }
  get speakerStatements() { return this.once('speakerStatements', (s) => ownedConnections<StatementRow>(s, (a) => statementListSpec({}, a.limit, a.at), 's.speaker_id')) }
  get eventStatements() { return this.once('eventStatements', (s) => ownedConnections<StatementRow>(s, (a) => eventStatementsSpec(a.limit, a.at), 'se.event_id')) }
  get citations() { return this.once('citations', makeCitations) }
  get eventExternalIds() { return this.once('eventExternalIds', (s) => loaderOf((ids) => { const by = externalIdsOf(s, 'event', ids); return ids.map((id) => by?.get(id) ?? null) })) }
  get revisions() { return this.once('revisions', makeRevisions) }
  // The version of each record's last write, for its `etag`: one statement per type and page.
  get versions() { return this.once('versions', makeVersions) }
}

export const createLoaders = (sqlite: Db) => new Loaders(sqlite)

const placeOfEvent = (e: EventRow) => e.placeId
const idOfEvent = (e: EventRow) => e.id
const placeBatch = (s: Db) => idBatch<PlaceRow>((ids) => placesByIds(s, ids))
const placeBriefBatch = (s: Db) => idBatch<PlaceRow>((ids) => placesBriefByIds(s, ids))
const eventActorsBatch = (s: Db) => ownerBatch<EventActorRow>((ids) => actorsOfEvents(s, ids), (r) => r.eventId)
// Shaped as EventActor objects here, once a page, so EventActor.actor needs no resolver.
const eventActorNamesBatch = (s: Db) => (ids: readonly string[]): ActorLink[][] =>
  actorNamesByEvent(s, ids).map((links) => links.map(([, role, id, name]) => ({ role, actor: { id, name } })))

const makeEventPlace = (s: Db, l: Loaders) => l.pages.relation((): DataLoader<string, PlaceRow | null> => l.place, placeBatch(s), placeOfEvent)
const makeEventPlaceBrief = (s: Db, l: Loaders) => l.pages.relation((): DataLoader<string, PlaceRow | null> => l.placeBrief, placeBriefBatch(s), placeOfEvent)
const makeEventActorsOf = (s: Db, l: Loaders) => l.pages.relation((): DataLoader<string, EventActorRow[]> => l.eventActors, eventActorsBatch(s), idOfEvent)
const makeEventActorNamesOf = (s: Db, l: Loaders) => l.pages.relation((): DataLoader<string, ActorLink[]> => l.eventActorNames, eventActorNamesBatch(s), idOfEvent)
const makeEventCasualties = (s: Db, l: Loaders) => ownedConnections(s, (a) => casualtyListSpec({}, a.limit, a.at), 'c.event_id', 50, l.pages)
const makeEventCasualtiesBrief = (s: Db, l: Loaders) => ownedConnections<CasualtyRow>(s, (a) => eventCasualtiesBriefSpec(a.limit, a.at), 'c.event_id', 50, l.pages,
  (events, limit) => figuresOfBriefs(l.briefOf, events as EventRow[], limit) ?? firstCasualtiesOfEvents(s, events as EventRow[], limit))
const makeCitations = byType(RESOURCES.filter((r) => r.cited), (s, type) =>
  byOwner<CitationRow>((ids) => citationsFor(s, type as RecordType, ids), (c) => c.recordId))
const makeRevisions = byType(RESOURCES, (s, type) =>
  ownedConnections<RevisionRow>(s, (a) => revisionsSpec(type as RecordType, a.limit, a.at), 'r.record_id'))
const makeVersions = byType(RESOURCES, (s, type) => {
  const table = RESOURCE_BY_TYPE.get(type as RecordType)!.table
  return new DataLoader<string, number | null>(async (ids) => {
    const map = new Map(versionsOf(s, table, ids).map((v) => [v.id, v.version]))
    return ids.map((id) => map.get(id) ?? null)
  })
})

const makeRecords = byType<DataLoader<string, { id: string } | null>>(Object.keys(TYPE_NAMES).map((recordType) => ({ recordType })), (sqlite, type) => {
  switch (type) {
    case 'actor': return byId<ActorRow>((ids) => actorsByIds(sqlite, ids))
    case 'place': return loaderOf(placeBatch(sqlite))
    case 'event': return byId<EventRow>((ids) => eventsByIds(sqlite, ids))
    case 'source': return byId<SourceRow>((ids) => sourcesByIds(sqlite, ids))
    case 'casualty_report': return byId((ids) => casualtiesByIds(sqlite, ids))
    case 'displacement_count': return byId((ids) => displacementByIds(sqlite, ids))
    default: return byId<StatementRow>((ids) => statementsByIds(sqlite, ids))
  }
})

declare module 'mercurius' {
  interface MercuriusContext { loaders: Loaders }
}

type Ctx = MercuriusContext
/**
 * An event's actor as the EventActor type reads it: the actor itself rides along (the linking row's
 * id, name and kind, or the whole row), because a resolver on EventActor.actor, called once a link,
 * cost more than everything else about the links.
 */
interface ActorLink { role: ActorRole, actor: { id: string, name: string, kind?: string } | ActorRow | Error | null }
const then = <A, B>(v: A | Promise<A>, f: (a: A) => B | Promise<B>): B | Promise<B> => (v instanceof Promise ? v.then(f) : f(v))
// An event's actors are listed with their id, name and kind; with only their id and name when that is enough.
const LINKED_ACTOR_KEYS = ['id', 'name', 'kind']
const ACTOR_NAME_KEYS = ['id', 'name']
type Paged = { first?: number | null, after?: string | null, last?: number | null, before?: string | null }
const one = (load: (ctx: Ctx) => DataLoader<string, unknown>, key: string) =>
  (parent: Record<string, unknown>, _: unknown, ctx: Ctx) => (parent[key] ? load(ctx).load(parent[key] as string) : null)
const many = (load: (ctx: Ctx) => DataLoader<string, unknown[]>) =>
  (parent: { id: string }, _: unknown, ctx: Ctx) => load(ctx).load(parent.id)
const cited = (type: string) => many((ctx) => ctx.loaders.citations[type]!)
const history = (type: string) => (parent: { id: string }, args: Paged, ctx: Ctx) => ctx.loaders.revisions[type]!(parent.id, args)

/** Field resolvers for every relation, each through a loader, and the fields every record has. */
export const relationResolvers: IResolvers = withRecordFields({
  Event: {
    place: (e: EventRow, _: unknown, ctx: Ctx, info: GraphQLResolveInfo) => {
      if (!e.placeId) return null
      const brief = briefEnough(info, 'Place', PLACE_LINK_KEYS, OBJECT) ? ctx.loaders.briefOf(e) : undefined
      if (brief) return placeOfBrief(brief)
      return (briefEnough(info, 'Place', PLACE_BRIEF_KEYS, OBJECT) ? ctx.loaders.eventPlaceBrief : ctx.loaders.eventPlace)(e, e.placeId)
    },
    actors: (e: EventRow, _: unknown, ctx: Ctx, info: GraphQLResolveInfo) => {
      const brief = briefEnough(info, 'Actor', ACTOR_LINK_KEYS, LINKED_ACTOR) ? ctx.loaders.briefOf(e) : undefined
      if (brief) return actorsOfBrief(brief)
      if (briefEnough(info, 'Actor', ACTOR_NAME_KEYS, LINKED_ACTOR)) return ctx.loaders.eventActorNamesOf(e, e.id)
      const linked = briefEnough(info, 'Actor', LINKED_ACTOR_KEYS, LINKED_ACTOR)
      return then(ctx.loaders.eventActorsOf(e, e.id), (rows): ActorLink[] | Promise<ActorLink[]> => (linked
        ? rows.map((r) => ({ role: r.role, actor: { id: r.actorId, name: r.name, kind: r.kind } }))
        : ctx.loaders.actor.loadMany(rows.map((r) => r.actorId)).then((actors) => rows.map((r, i) => ({ role: r.role, actor: actors[i]! })))))
    },
    casualtyReports: (e: EventRow, args: Paged, ctx: Ctx, info: GraphQLResolveInfo) =>
      (briefEnough(info, 'CasualtyReport', CASUALTY_BRIEF_KEYS, CONNECTION) ? ctx.loaders.eventCasualtiesBrief : ctx.loaders.eventCasualties)(e.id, args, e),
    displacementCounts: (e: { id: string }, args: Paged, ctx: Ctx) => ctx.loaders.eventDisplacement(e.id, args),
    statements: (e: { id: string }, args: Paged, ctx: Ctx) => ctx.loaders.eventStatements(e.id, args),
    citations: cited('event'),
    externalIds: (e: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.eventExternalIds.load(e.id),
    revisions: history('event'),
  },
  Actor: {
    affiliation: one((c) => c.loaders.actor, 'affiliationId'),
    events: (a: { id: string }, args: Paged & { role?: string | null }, ctx: Ctx) => ctx.loaders.actorEvents(a.id, args),
    statements: (a: { id: string }, args: Paged, ctx: Ctx) => ctx.loaders.speakerStatements(a.id, args),
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
  Revision: {
    before: (r: RevisionRow) => parsed(r.before),
    after: (r: RevisionRow) => parsed(r.after),
  },
  Citation: { source: (c: { source: { id: string } }, _: unknown, ctx: Ctx) => ctx.loaders.source.load(c.source.id) },
})

/** The fields every record type has: its global id, its own id and the tag If-Match wants. */
function recordFields(recordType: string) {
  return {
    id: (r: { id: string }) => globalId(recordType, r.id),
    recordId: (r: { id: string }) => r.id,
    // Rows from the write engine carry their version; rows from reads are looked up, batched.
    etag: async (r: { id: string, version?: number }, _: unknown, ctx: Ctx) =>
      `"v${r.version ?? (await ctx.loaders.versions[recordType]!.load(r.id)) ?? 0}-json"`,
  }
}

function withRecordFields(r: Record<string, Record<string, unknown>>): IResolvers {
  for (const [type, name] of Object.entries(TYPE_NAMES)) r[name] = { ...recordFields(type), ...r[name] }
  return r as IResolvers
}

// Stored as JSON text; a snapshot handed over already parsed passes through.
const parsed = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) as unknown : v ?? null)
