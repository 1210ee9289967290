import { lowerBound } from '../../domain/dates.ts'
import type { SqlValue } from '../../db/keyset.ts'
import { eventWhere, type EventFilters } from '../events/queries.ts'

/** The resources of an export, in the order a loader can insert them without breaking references. */
export const EXPORT_RESOURCES = [
  'sources', 'actors', 'places', 'events', 'eventActors', 'casualtyReports', 'displacementCounts',
  'statements', 'statementEvents', 'citations', 'externalIds',
] as const
export type ExportResource = (typeof EXPORT_RESOURCES)[number]

/** The `type` of each NDJSON line, and the file name stem of each CSV. */
export const RECORD_TYPE: Record<ExportResource, string> = {
  sources: 'source', actors: 'actor', places: 'place', events: 'event', eventActors: 'event_actor',
  casualtyReports: 'casualty_report', displacementCounts: 'displacement_count', statements: 'statement',
  statementEvents: 'statement_event', citations: 'citation', externalIds: 'external_id',
}

export interface ExportQuery { sql: string, params: SqlValue[], jsonColumns: string[] }

export const COLUMNS: Record<ExportResource, string> = {
  sources: `id, publisher, title, url, published_date AS publishedDate, kind, language, note, created_at AS createdAt, updated_at AS updatedAt`,
  actors: `id, name, aliases, kind, affiliation_id AS affiliationId, description, created_at AS createdAt, updated_at AS updatedAt`,
  places: `id, name, aliases, kind, latitude, longitude, country_code AS countryCode, parent_id AS parentId, note, created_at AS createdAt, updated_at AS updatedAt`,
  events: `id, title, summary, type, start, "end", start_utc AS startSortKey, date_precision AS datePrecision, date_basis AS dateBasis,
    date_note AS dateNote, place_id AS placeId, created_at AS createdAt, updated_at AS updatedAt`,
  eventActors: `event_id AS eventId, actor_id AS actorId, role`,
  casualtyReports: `id, event_id AS eventId, outcome, victim_group AS victimGroup, low, high, best, qualifier, reported_phrase AS reportedPhrase,
    reported_by_id AS reportedById, victim_actor_id AS victimActorId, perpetrator_actor_id AS perpetratorActorId, note,
    created_at AS createdAt, updated_at AS updatedAt`,
  displacementCounts: `id, event_id AS eventId, metric, low, high, best, qualifier, reported_phrase AS reportedPhrase,
    origin_place_id AS originPlaceId, destination_place_id AS destinationPlaceId, as_of AS asOf, as_of_utc AS asOfSortKey,
    as_of_precision AS asOfPrecision, as_of_basis AS asOfBasis, as_of_note AS asOfNote, reported_by_id AS reportedById,
    relayed_by_id AS relayedById, note, created_at AS createdAt, updated_at AS updatedAt`,
  statements: `id, speaker_id AS speakerId, said_at AS saidAt, said_at_utc AS saidAtSortKey, date_precision AS datePrecision,
    date_basis AS dateBasis, date_note AS dateNote, medium, quote, summary, created_at AS createdAt, updated_at AS updatedAt`,
  statementEvents: `statement_id AS statementId, event_id AS eventId`,
  citations: `id, record_type AS recordType, record_id AS recordId, source_id AS sourceId, paragraph, locator, quote,
    created_at AS createdAt, updated_at AS updatedAt`,
  externalIds: `record_type AS recordType, record_id AS recordId, system, external_id AS externalId`,
}

const TABLE: Record<ExportResource, string> = {
  sources: 'sources', actors: 'actors', places: 'places', events: 'events', eventActors: 'event_actors',
  casualtyReports: 'casualty_reports', displacementCounts: 'displacement_counts', statements: 'statements',
  statementEvents: 'statement_events', citations: 'citations', externalIds: 'external_ids',
}

const ORDER: Record<ExportResource, string> = {
  sources: 'id', actors: 'id', places: 'id', events: 'id', eventActors: 'event_id, actor_id, role',
  casualtyReports: 'id', displacementCounts: 'id', statements: 'id', statementEvents: 'statement_id, event_id',
  citations: 'record_type, record_id, id', externalIds: 'record_type, record_id, system, external_id',
}

// Membership of each resource in a slice, written against {EV}: the ids of the events selected.
const STATEMENTS_OF_EV = 'SELECT statement_id FROM statement_events WHERE event_id IN ({EV})'
const DISPLACEMENT_OF_EV = 'SELECT id FROM displacement_counts WHERE event_id IN ({EV})'
const ACTOR_SEEDS = `SELECT actor_id FROM event_actors WHERE event_id IN ({EV})
  UNION SELECT reported_by_id FROM casualty_reports WHERE event_id IN ({EV})
  UNION SELECT victim_actor_id FROM casualty_reports WHERE event_id IN ({EV})
  UNION SELECT perpetrator_actor_id FROM casualty_reports WHERE event_id IN ({EV})
  UNION SELECT reported_by_id FROM displacement_counts WHERE event_id IN ({EV})
  UNION SELECT relayed_by_id FROM displacement_counts WHERE event_id IN ({EV})
  UNION SELECT speaker_id FROM statements WHERE id IN (${STATEMENTS_OF_EV})`
const SLICE_ACTORS = `WITH RECURSIVE inc(id) AS (${ACTOR_SEEDS}
  UNION SELECT a.affiliation_id FROM actors a JOIN inc ON a.id = inc.id WHERE a.affiliation_id IS NOT NULL) SELECT id FROM inc`
const SLICE_PLACES = `WITH RECURSIVE inc(id) AS (SELECT place_id FROM events WHERE id IN ({EV})
  UNION SELECT origin_place_id FROM displacement_counts WHERE event_id IN ({EV})
  UNION SELECT destination_place_id FROM displacement_counts WHERE event_id IN ({EV})
  UNION SELECT p.parent_id FROM places p JOIN inc ON p.id = inc.id WHERE p.parent_id IS NOT NULL) SELECT id FROM inc`
const SLICE_CITED = `(record_type = 'event' AND record_id IN ({EV}))
  OR (record_type = 'casualty_report' AND record_id IN (SELECT id FROM casualty_reports WHERE event_id IN ({EV})))
  OR (record_type = 'displacement_count' AND record_id IN (${DISPLACEMENT_OF_EV}))
  OR (record_type = 'statement' AND record_id IN (${STATEMENTS_OF_EV}))
  OR (record_type = 'actor' AND record_id IN (${SLICE_ACTORS}))
  OR (record_type = 'place' AND record_id IN (${SLICE_PLACES}))`

const SLICE: Record<ExportResource, string> = {
  sources: `id IN (SELECT source_id FROM citations WHERE ${SLICE_CITED})`,
  actors: `id IN (${SLICE_ACTORS})`,
  places: `id IN (${SLICE_PLACES})`,
  events: 'id IN ({EV})',
  eventActors: 'event_id IN ({EV})',
  casualtyReports: 'event_id IN ({EV})',
  displacementCounts: 'event_id IN ({EV})',
  statements: `id IN (${STATEMENTS_OF_EV})`,
  statementEvents: 'event_id IN ({EV})',
  citations: SLICE_CITED,
  externalIds: `${SLICE_CITED}
  OR (record_type = 'source' AND record_id IN (SELECT source_id FROM citations WHERE ${SLICE_CITED}))`,
}

const HAS_UPDATED_AT = new Set<ExportResource>(['sources', 'actors', 'places', 'events', 'casualtyReports', 'displacementCounts', 'statements'])

/**
 * With `updatedSince`, link rows and citations come with the record they belong to: every link and
 * citation of each record written since, and none of the others. A write replaces a record's
 * lists whole and stamps the record, so each record in the file carries its complete lists, which
 * an import then puts in place of the stored ones. `{T}` is the time.
 */
const OWNED_SINCE: Partial<Record<ExportResource, string>> = {
  eventActors: 'event_id IN (SELECT id FROM events WHERE updated_at >= {T})',
  statementEvents: 'statement_id IN (SELECT id FROM statements WHERE updated_at >= {T})',
  citations: `(record_type = 'event' AND record_id IN (SELECT id FROM events WHERE updated_at >= {T}))
  OR (record_type = 'casualty_report' AND record_id IN (SELECT id FROM casualty_reports WHERE updated_at >= {T}))
  OR (record_type = 'displacement_count' AND record_id IN (SELECT id FROM displacement_counts WHERE updated_at >= {T}))
  OR (record_type = 'statement' AND record_id IN (SELECT id FROM statements WHERE updated_at >= {T}))
  OR (record_type = 'actor' AND record_id IN (SELECT id FROM actors WHERE updated_at >= {T}))
  OR (record_type = 'place' AND record_id IN (SELECT id FROM places WHERE updated_at >= {T}))`,
  externalIds: `(record_type = 'event' AND record_id IN (SELECT id FROM events WHERE updated_at >= {T}))
  OR (record_type = 'casualty_report' AND record_id IN (SELECT id FROM casualty_reports WHERE updated_at >= {T}))
  OR (record_type = 'displacement_count' AND record_id IN (SELECT id FROM displacement_counts WHERE updated_at >= {T}))
  OR (record_type = 'statement' AND record_id IN (SELECT id FROM statements WHERE updated_at >= {T}))
  OR (record_type = 'actor' AND record_id IN (SELECT id FROM actors WHERE updated_at >= {T}))
  OR (record_type = 'place' AND record_id IN (SELECT id FROM places WHERE updated_at >= {T}))
  OR (record_type = 'source' AND record_id IN (SELECT id FROM sources WHERE updated_at >= {T}))`,
}

/**
 * Rows of a resource that are never exported. The importer marks each record it restored from an
 * export under its own id (system "json"); that is bookkeeping of this copy, not an id elsewhere,
 * and an import of the file marks the records again.
 */
const ALWAYS: Partial<Record<ExportResource, string>> = { externalIds: `system <> 'json'` }

export interface ExportFilters extends EventFilters { updatedSince?: string | undefined }

/** True when the filters select a slice rather than the whole dataset. */
export function isSlice(f: ExportFilters): boolean {
  const { updatedSince: _u, ...events } = f
  return Object.values(events).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0))
}

/** Where one resource of an export comes from: its table, the conditions and their parameters. */
export interface ExportSource { table: string, where: string[], params: SqlValue[], order: string }

export function exportSource(resource: ExportResource, f: ExportFilters): ExportSource {
  const where: string[] = ALWAYS[resource] ? [ALWAYS[resource]] : []
  const params: SqlValue[] = []
  if (isSlice(f)) {
    const ev = eventWhere({ ...f, updatedSince: undefined })
    const evSql = `SELECT e.id FROM events e${ev.where.length ? ` WHERE ${ev.where.join(' AND ')}` : ''}`
    const parts = SLICE[resource].split('{EV}')
    where.push(parts.reduce((acc, part, i) => (i === 0 ? part : `${acc}${evSql}${part}`), ''))
    for (let i = 1; i < parts.length; i++) params.push(...ev.params)
  }
  if (f.updatedSince && HAS_UPDATED_AT.has(resource)) {
    where.push('updated_at >= ?')
    params.push(lowerBound(f.updatedSince))
  }
  const owned = OWNED_SINCE[resource]
  if (f.updatedSince && owned) {
    const parts = owned.split('{T}')
    where.push(parts.join('?'))
    for (let i = 1; i < parts.length; i++) params.push(lowerBound(f.updatedSince))
  }
  return { table: TABLE[resource], where, params, order: ORDER[resource] }
}

export const whereSql = (where: string[]) => (where.length ? ` WHERE (${where.join(') AND (')})` : '')

/**
 * The SQL that lists one resource of an export. The whole dataset is every row; a slice is the
 * events that match the filters and every record they need: their actors (with affiliations),
 * places (with parents), figures, statements, citations and the sources those cite.
 */
export function exportQuery(resource: ExportResource, f: ExportFilters): ExportQuery {
  const s = exportSource(resource, f)
  const sql = `SELECT ${COLUMNS[resource]} FROM ${s.table}${whereSql(s.where)} ORDER BY ${s.order}`
  return { sql, params: s.params, jsonColumns: resource === 'actors' || resource === 'places' ? ['aliases'] : [] }
}

export function countQuery(q: ExportQuery): ExportQuery {
  return { ...q, sql: `SELECT count(*) AS n FROM (${q.sql})` }
}

/** Counts a resource without building its rows or sorting them, so SQLite can count an index. */
export function exportCountQuery(resource: ExportResource, f: ExportFilters): ExportQuery {
  const s = exportSource(resource, f)
  return { sql: `SELECT count(*) AS n FROM ${s.table}${whereSql(s.where)}`, params: s.params, jsonColumns: [] }
}
