import { sql } from 'drizzle-orm'
import { sqliteTable, text, integer, real, index, primaryKey } from 'drizzle-orm/sqlite-core'
import { briefJson } from './event-brief.ts'
import {
  ACTOR_KINDS, ACTOR_ROLES, CASUALTY_OUTCOMES, DATE_BASES, DATE_PRECISIONS, DISPLACEMENT_METRICS, EVENT_TYPES, PLACE_KINDS,
  QUALIFIERS, SOURCE_KINDS, STATEMENT_MEDIA, VICTIM_GROUPS,
} from '../domain/vocabulary.ts'

// Timestamps are ISO 8601 strings in UTC: they sort lexically and read well in exports.
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`
const stamps = {
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
  // The dataset version of the record's last write: an If-Match naming dataset version N passes
  // while this is at most N, so the ETag of any read guards the writes that follow it.
  version: integer('version').notNull().default(1),
}

export const datasetMeta = sqliteTable('dataset_meta', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
  updatedAt: text('updated_at').notNull(),
})

/**
 * The digest of the bundled seed last applied to this database, so a start-up can tell that the
 * seed has changed since and bring the records nobody has edited up to date (see src/db/seed.ts).
 */
export const seedState = sqliteTable('seed_state', {
  id: integer('id').primaryKey(),
  digest: text('digest').notNull(),
  appliedAt: text('applied_at').notNull(),
})

export const sources = sqliteTable('sources', {
  id: text('id').primaryKey(),
  publisher: text('publisher').notNull(),
  title: text('title'),
  url: text('url'),
  publishedDate: text('published_date').notNull(),
  kind: text('kind', { enum: SOURCE_KINDS }).notNull(),
  language: text('language').notNull(),
  note: text('note'),
  ...stamps,
}, (t) => [index('sources_updated_idx').on(t.updatedAt, t.id), index('sources_version_idx').on(t.version, t.id)])

export const actors = sqliteTable('actors', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  kind: text('kind', { enum: ACTOR_KINDS }).notNull(),
  affiliationId: text('affiliation_id').references((): any => actors.id),
  description: text('description'),
  ...stamps,
}, (t) => [
  index('actors_kind_idx').on(t.kind, t.name),
  index('actors_affiliation_idx').on(t.affiliationId),
  index('actors_name_idx').on(t.name, t.id),
  index('actors_updated_idx').on(t.updatedAt, t.id),
  index('actors_version_idx').on(t.version, t.id),
  // An event's actors are read by id for their name and kind: from this index alone, not the row.
  index('actors_link_idx').on(t.id, t.name, t.kind),
])

export const places = sqliteTable('places', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  kind: text('kind', { enum: PLACE_KINDS }).notNull(),
  latitude: real('latitude'),
  longitude: real('longitude'),
  countryCode: text('country_code'),
  parentId: text('parent_id').references((): any => places.id),
  note: text('note'),
  ...stamps,
}, (t) => [
  index('places_kind_idx').on(t.kind, t.name),
  index('places_parent_idx').on(t.parentId),
  index('places_name_idx').on(t.name, t.id),
  index('places_updated_idx').on(t.updatedAt, t.id),
  index('places_version_idx').on(t.version, t.id),
  // The brief places of a page of events (placesBriefByIds), read from the index alone.
  index('places_brief_idx').on(t.id, t.name, t.kind, t.latitude, t.longitude, t.countryCode, t.parentId),
])

export const events = sqliteTable('events', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  summary: text('summary').notNull(),
  type: text('type', { enum: EVENT_TYPES }).notNull(),
  // `start`/`end` keep the date as reported, truncated to its precision ("2018", "2023-09-24T18:00+04:00");
  // the *_utc columns hold its sort key in UTC (a day's midnight, a month's or year's last millisecond;
  // docs/dates.md), which filters and sorts use.
  start: text('start').notNull(),
  startUtc: text('start_utc').notNull(),
  end: text('end'),
  endUtc: text('end_utc'),
  datePrecision: text('date_precision', { enum: DATE_PRECISIONS }).notNull(),
  dateBasis: text('date_basis', { enum: DATE_BASES }).notNull(),
  dateNote: text('date_note'),
  placeId: text('place_id').references(() => places.id),
  ...stamps,
  // Computed when read, stored only in events_start_brief_idx.
  briefJson: text('brief_json').generatedAlwaysAs(sql.raw(briefJson()), { mode: 'virtual' }),
}, (t) => [
  index('events_start_idx').on(t.startUtc, t.id),
  // About 450 bytes an event (450 MB at a million events): the price of reading the date-ordered
  // lists, the default listing, without visiting the table (a page of 50: 35 µs instead of 130 µs).
  // Partial, so that only the queries that name it use it (see onBriefIndex in events/queries.ts).
  index('events_start_brief_idx').on(t.startUtc, t.id, t.briefJson).where(sql`brief_json IS NOT NULL`),
  index('events_type_start_idx').on(t.type, t.startUtc, t.id),
  index('events_place_start_idx').on(t.placeId, t.startUtc, t.id),
  // Type and date beside the update order: lists in update order with types or dates check them in
  // the index and read only the rows they keep (on a cold file at a million events, a type over a
  // year by update: 515 ms before, 24 ms; migrations/0019).
  index('events_updated_idx').on(t.updatedAt, t.id, t.type, t.startUtc),
  // Cover what stats and facets read (date, type, precision, place), in date order and by id, so
  // grouping a filtered set never reads the wide event rows.
  index('events_stats_date_idx').on(t.startUtc, t.type, t.datePrecision, t.placeId, t.id),
  index('events_stats_id_idx').on(t.id, t.startUtc, t.type, t.datePrecision, t.placeId),
  index('events_version_idx').on(t.version, t.id),
])

export const eventActors = sqliteTable('event_actors', {
  eventId: text('event_id').notNull().references(() => events.id, { onDelete: 'cascade' }),
  actorId: text('actor_id').notNull().references(() => actors.id),
  role: text('role', { enum: ACTOR_ROLES }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.actorId, t.role] }),
  index('event_actors_actor_idx').on(t.actorId, t.eventId),
])

export const casualtyReports = sqliteTable('casualty_reports', {
  id: text('id').primaryKey(),
  eventId: text('event_id').notNull().references(() => events.id),
  outcome: text('outcome', { enum: CASUALTY_OUTCOMES }).notNull(),
  victimGroup: text('victim_group', { enum: VICTIM_GROUPS }).notNull(),
  low: integer('low'),
  high: integer('high'),
  best: integer('best'),
  qualifier: text('qualifier', { enum: QUALIFIERS }).notNull(),
  reportedPhrase: text('reported_phrase').notNull(),
  reportedById: text('reported_by_id').references(() => actors.id),
  victimActorId: text('victim_actor_id').references(() => actors.id),
  perpetratorActorId: text('perpetrator_actor_id').references(() => actors.id),
  note: text('note'),
  ...stamps,
}, (t) => [
  // An event's figures in id order with their brief columns (firstCasualtiesOfEvents), read from
  // the index alone.
  index('casualty_event_idx').on(t.eventId, t.id, t.outcome, t.victimGroup, t.low, t.high, t.best, t.qualifier, t.reportedPhrase, t.updatedAt),
  index('casualty_outcome_idx').on(t.outcome, t.victimGroup, t.id),
  index('casualty_updated_idx').on(t.updatedAt, t.id),
  // Covers the summary per outcome and victim group, so it reads no report rows.
  index('casualty_summary_idx').on(t.outcome, t.victimGroup, t.qualifier, t.low, t.high, t.best, t.eventId),
  index('casualty_version_idx').on(t.version, t.id),
  // From an actor to its figures: renames, deletes (and SQLite's foreign-key checks) and the actor
  // filter look reports up by these instead of reading the table. Partial: most reports name no
  // victim or perpetrator, and `col = ?` implies the condition, so every lookup can use them.
  index('casualty_reported_by_idx').on(t.reportedById).where(sql`reported_by_id IS NOT NULL`),
  index('casualty_victim_actor_idx').on(t.victimActorId).where(sql`victim_actor_id IS NOT NULL`),
  index('casualty_perpetrator_actor_idx').on(t.perpetratorActorId).where(sql`perpetrator_actor_id IS NOT NULL`),
])

export const displacementCounts = sqliteTable('displacement_counts', {
  id: text('id').primaryKey(),
  eventId: text('event_id').references(() => events.id),
  metric: text('metric', { enum: DISPLACEMENT_METRICS }).notNull(),
  low: integer('low'),
  high: integer('high'),
  best: integer('best'),
  qualifier: text('qualifier', { enum: QUALIFIERS }).notNull(),
  reportedPhrase: text('reported_phrase').notNull(),
  originPlaceId: text('origin_place_id').references(() => places.id),
  destinationPlaceId: text('destination_place_id').references(() => places.id),
  asOf: text('as_of').notNull(),
  asOfUtc: text('as_of_utc').notNull(),
  asOfPrecision: text('as_of_precision', { enum: DATE_PRECISIONS }).notNull(),
  asOfBasis: text('as_of_basis', { enum: DATE_BASES }).notNull(),
  asOfNote: text('as_of_note'),
  reportedById: text('reported_by_id').references(() => actors.id),
  relayedById: text('relayed_by_id').references(() => actors.id),
  note: text('note'),
  ...stamps,
}, (t) => [
  index('displacement_as_of_idx').on(t.asOfUtc, t.id),
  index('displacement_metric_idx').on(t.metric, t.asOfUtc, t.id),
  index('displacement_event_idx').on(t.eventId),
  index('displacement_updated_idx').on(t.updatedAt, t.id),
  index('displacement_version_idx').on(t.version, t.id),
  // From an actor or a place to its counts, as for casualty reports.
  index('displacement_reported_by_idx').on(t.reportedById).where(sql`reported_by_id IS NOT NULL`),
  index('displacement_relayed_by_idx').on(t.relayedById).where(sql`relayed_by_id IS NOT NULL`),
  index('displacement_origin_idx').on(t.originPlaceId).where(sql`origin_place_id IS NOT NULL`),
  index('displacement_destination_idx').on(t.destinationPlaceId).where(sql`destination_place_id IS NOT NULL`),
])

export const statements = sqliteTable('statements', {
  id: text('id').primaryKey(),
  speakerId: text('speaker_id').notNull().references(() => actors.id),
  saidAt: text('said_at').notNull(),
  saidAtUtc: text('said_at_utc').notNull(),
  datePrecision: text('date_precision', { enum: DATE_PRECISIONS }).notNull(),
  dateBasis: text('date_basis', { enum: DATE_BASES }).notNull(),
  dateNote: text('date_note'),
  medium: text('medium', { enum: STATEMENT_MEDIA }).notNull(),
  quote: text('quote'),
  summary: text('summary').notNull(),
  ...stamps,
}, (t) => [
  index('statements_said_idx').on(t.saidAtUtc, t.id),
  index('statements_speaker_idx').on(t.speakerId, t.saidAtUtc, t.id),
  index('statements_updated_idx').on(t.updatedAt, t.id),
  index('statements_version_idx').on(t.version, t.id),
])

export const statementEvents = sqliteTable('statement_events', {
  statementId: text('statement_id').notNull().references(() => statements.id, { onDelete: 'cascade' }),
  eventId: text('event_id').notNull().references(() => events.id),
}, (t) => [
  primaryKey({ columns: [t.statementId, t.eventId] }),
  index('statement_events_event_idx').on(t.eventId, t.statementId),
])

/** Which record a source backs: `recordType` names the table, `locator` the paragraph. */
export const citations = sqliteTable('citations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  recordType: text('record_type').notNull(),
  recordId: text('record_id').notNull(),
  sourceId: text('source_id').notNull().references(() => sources.id),
  paragraph: integer('paragraph'),
  locator: text('locator').notNull(),
  quote: text('quote'),
  ...stamps,
}, (t) => [
  index('citations_record_idx').on(t.recordType, t.recordId, t.paragraph),
  index('citations_source_idx').on(t.sourceId),
])

/** Tombstones so that a copy kept in sync can drop what was removed here. */
export const deletions = sqliteTable('deletions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  recordType: text('record_type').notNull(),
  recordId: text('record_id').notNull(),
  deletedAt: text('deleted_at').notNull().default(now),
  // The dataset version of the deletion, for the changes feed.
  version: integer('version'),
}, (t) => [
  index('deletions_at_idx').on(t.deletedAt, t.id),
  index('deletions_version_idx').on(t.version),
  // Whether a record was deleted (an id made from a name must not reuse a deleted one's) and
  // dropping its deletion on restore: one lookup, not a scan of every deletion.
  index('deletions_record_idx').on(t.recordType, t.recordId),
])

/** One row per write: who, when, what, and the record before and after, for history and restore. */
export const revisions = sqliteTable('revisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  recordType: text('record_type').notNull(),
  recordId: text('record_id').notNull(),
  operation: text('operation').notNull(),
  keyId: text('key_id'),
  keyName: text('key_name').notNull(),
  at: text('at').notNull().default(now),
  datasetVersion: integer('dataset_version').notNull(),
  before: text('before', { mode: 'json' }),
  after: text('after', { mode: 'json' }),
}, (t) => [index('revisions_record_idx').on(t.recordType, t.recordId, t.id)])

/** API keys: only a salted hash of the secret is kept; the key is shown once, when created. */
export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  role: text('role').notNull(),
  salt: text('salt').notNull(),
  hash: text('hash').notNull(),
  createdAt: text('created_at').notNull().default(now),
  revokedAt: text('revoked_at'),
})

/** Where an imported record came from, so a re-import updates it instead of adding a copy. */
export const externalIds = sqliteTable('external_ids', {
  system: text('system').notNull(),
  externalId: text('external_id').notNull(),
  recordType: text('record_type').notNull(),
  recordId: text('record_id').notNull(),
}, (t) => [
  primaryKey({ columns: [t.system, t.externalId, t.recordType] }),
  // A record's external ids, as its document and GraphQL list them.
  index('external_ids_record_idx').on(t.recordType, t.recordId, t.system, t.externalId),
])

/**
 * Per event and outcome (killed, injured, missing) or displacement metric: the event's reports
 * combined by the within-event rule (docs/stats.md). Kept current by triggers on the report tables,
 * so every writer (write engine, import, seed, synthetic data) updates it in its own transaction.
 */
export const eventFigures = sqliteTable('event_figures', {
  eventId: text('event_id').notNull(),
  measure: text('measure').notNull(),
  reports: integer('reports').notNull(),
  low: integer('low'),
  lowIfDisjoint: integer('low_if_disjoint'),
  high: integer('high'),
  best: integer('best'),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.measure] }),
  index('event_figures_low_idx').on(t.measure, t.low, t.eventId),
  index('event_figures_high_idx').on(t.measure, t.high, t.eventId),
  // Stats join each selected event to its figures: through the primary key's index every figure
  // then costs a second search, in the table; this index holds all the columns they read.
  index('event_figures_cover_idx').on(t.eventId, t.measure, t.low, t.lowIfDisjoint, t.high, t.best),
])

const statsColumns = {
  type: text('type').notNull(),
  dateClass: text('date_class').notNull(),
  measure: text('measure').notNull(),
  events: integer('events').notNull(),
  lowEvents: integer('low_events').notNull(),
  low: integer('low').notNull(),
  lowIfDisjoint: integer('low_if_disjoint').notNull(),
  highOpen: integer('high_open').notNull(),
  high: integer('high').notNull(),
  bestEvents: integer('best_events').notNull(),
  best: integer('best').notNull(),
}

/**
 * Events and their combined figures summed per UTC day, event type and date precision class
 * (`day`, `month`, `year`); `measure` '*' holds the event count. Grouping by day or week and type
 * reads this instead of the events. Kept current by triggers on events and event_figures.
 */
export const statsDaily = sqliteTable('stats_daily', {
  day: text('day').notNull(),
  ...statsColumns,
}, (t) => [primaryKey({ columns: [t.day, t.type, t.dateClass, t.measure] })])

/** The same per UTC month (YYYY-MM): grouping by month, quarter or year reads a few rows per month. */
export const statsMonthly = sqliteTable('stats_monthly', {
  month: text('month').notNull(),
  ...statsColumns,
}, (t) => [primaryKey({ columns: [t.month, t.type, t.dateClass, t.measure] })])

const { type: _type, ...sumColumns } = statsColumns

/**
 * The same per actor and UTC month, without the type: each event counts once for each of its
 * actors (whatever their roles), and events without actors under actor ''. Grouping by actor (and
 * month, quarter or year) over whole months reads this instead of joining every event of the range
 * to its actors and figures. Kept current by triggers on events, event_actors and event_figures;
 * a table without rowid (migrations/0007), so a month range is one contiguous read.
 */
export const statsActorMonthly = sqliteTable('stats_actor_monthly', {
  month: text('month').notNull(),
  actorId: text('actor_id').notNull(),
  ...sumColumns,
}, (t) => [
  primaryKey({ columns: [t.month, t.actorId, t.dateClass, t.measure] }),
  // Grouping by actor alone walks this in actor order and stops after a page of actors; it holds
  // every column the grouping sums, so the table itself is never read (migrations/0016).
  index('stats_actor_monthly_actor_idx').on(t.actorId, t.measure, t.month, t.dateClass, t.events, t.lowEvents, t.low, t.lowIfDisjoint, t.highOpen, t.high, t.bestEvents, t.best),
])

/**
 * The columns stats group events by, keyed by the event's full-text row (search_keys.fts_rowid):
 * a word's matches come out of the index in rowid order, and each is then one step along this
 * table instead of two searches by text id (search_keys, then events). Kept by triggers on
 * search_keys and events (migrations/0008).
 */
export const statsEventKeys = sqliteTable('stats_event_keys', {
  ftsRowid: integer('fts_rowid').primaryKey(),
  id: text('id').notNull(),
  startUtc: text('start_utc').notNull(),
  type: text('type').notNull(),
  datePrecision: text('date_precision').notNull(),
  placeId: text('place_id'),
})

/** Events per type, place and actor over the whole dataset: facets of an unfiltered list. */
export const facetCounts = sqliteTable('facet_counts', {
  field: text('field').notNull(),
  value: text('value').notNull(),
  events: integer('events').notNull(),
}, (t) => [
  primaryKey({ columns: [t.field, t.value] }),
  index('facet_counts_top_idx').on(t.field, t.events, t.value),
])

/**
 * Each event's detail document as GET /v1/events/{id} gives it, stored so that the route reads one
 * row instead of composing it. A row present is always what composing would give now: triggers
 * (migrations/0012) delete the documents a write changes, in its transaction, and queue their ids
 * in event_documents_stale for the write engine and the background refiller to compose again.
 * A missing row is composed on read (src/modules/events/document.ts).
 */
export const eventDocuments = sqliteTable('event_documents', {
  eventId: text('event_id').primaryKey().references(() => events.id, { onDelete: 'cascade' }),
  body: text('body').notNull(),
})

/**
 * What GraphQL reads of each event's place, actors and first casualty reports, as one compact JSON
 * text per event (src/modules/events/relation-briefs.ts), so that a page's relations are one
 * statement. Written whenever the event's document is and deleted with it (migrations/0015), so it
 * is as current as the document. Keyed by the event's date first, as pages list events, so that a
 * page's briefs lie together; a table without rowid.
 */
export const eventRelationBriefs = sqliteTable('event_relation_briefs', {
  startUtc: text('start_utc').notNull(),
  eventId: text('event_id').notNull(),
  body: text('body').notNull(),
}, (t) => [
  primaryKey({ columns: [t.startUtc, t.eventId] }),
  index('event_relation_briefs_event_idx').on(t.eventId),
])

/** Events whose document is to be composed again; a table without rowid (migrations/0011). */
export const eventDocumentsStale = sqliteTable('event_documents_stale', {
  eventId: text('event_id').primaryKey(),
})
