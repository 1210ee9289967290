import type Database from 'better-sqlite3'
import { prepared } from '../../db/prepared.ts'
import { briefPairs } from '../../db/event-brief.ts'
import { externalIdsJson, externalIdsSql, listsExternalIds } from './external-ids.ts'

// The event detail written by SQLite as one JSON text, in one statement: each embedded list is an
// aggregate over its index, with the fields the list routes give (a test holds the two to the same
// documents). Orders are the reader's: actors by role and name, casualty reports by outcome then
// id (the list route pages by id alone), displacement counts and statements by date, citations by
// paragraph. Subqueries lose JSON's subtype, so they return JSONB, which the
// enclosing object takes as JSON without parsing text again (about a tenth of the statement's time).

const ref = (table: string, id: string) => `(SELECT jsonb_object('id', r.id, 'name', r.name) FROM ${table} r WHERE r.id = ${id})`

const citations = (type: string, id: string) => `(SELECT jsonb_group_array(json_object(
    'source', json_object('id', s.id, 'publisher', s.publisher, 'title', s.title, 'url', s.url, 'publishedDate', s.published_date),
    'paragraph', c.paragraph, 'locator', c.locator, 'quote', c.quote) ORDER BY c.paragraph, c.id)
  FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.record_type = '${type}' AND c.record_id = ${id})`

const figures = (t: string) => `'low', ${t}.low, 'high', ${t}.high, 'best', ${t}.best, 'qualifier', ${t}.qualifier, 'reportedPhrase', ${t}.reported_phrase`

const PLACE = `(SELECT jsonb_object('id', p.id, 'name', p.name, 'latitude', p.latitude, 'longitude', p.longitude) FROM places p WHERE p.id = e.place_id)`

const ACTORS = `(SELECT jsonb_group_array(json_object('id', a.id, 'name', a.name, 'kind', a.kind, 'role', ea.role) ORDER BY ea.role, a.name)
  FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id)`

const CASUALTIES = `(SELECT jsonb_group_array(json_object('id', cr.id, 'eventId', cr.event_id, 'eventTitle', e.title, 'eventStart', e.start,
    'outcome', cr.outcome, 'victimGroup', cr.victim_group, ${figures('cr')},
    'reportedBy', ${ref('actors', 'cr.reported_by_id')}, 'victimActor', ${ref('actors', 'cr.victim_actor_id')},
    'perpetratorActor', ${ref('actors', 'cr.perpetrator_actor_id')}, 'note', cr.note, 'citations', ${citations('casualty_report', 'cr.id')},
    'createdAt', cr.created_at, 'updatedAt', cr.updated_at) ORDER BY cr.outcome, cr.id)
  FROM casualty_reports cr WHERE cr.event_id = e.id)`

const DISPLACEMENT = `(SELECT jsonb_group_array(json_object('id', d.id, 'eventId', d.event_id, 'metric', d.metric, ${figures('d')},
    'origin', ${ref('places', 'd.origin_place_id')}, 'destination', ${ref('places', 'd.destination_place_id')},
    'asOf', d.as_of, 'asOfSortKey', d.as_of_utc, 'asOfPrecision', d.as_of_precision, 'asOfBasis', d.as_of_basis, 'asOfNote', d.as_of_note,
    'reportedBy', ${ref('actors', 'd.reported_by_id')}, 'relayedBy', ${ref('actors', 'd.relayed_by_id')}, 'note', d.note,
    'citations', ${citations('displacement_count', 'd.id')}, 'createdAt', d.created_at, 'updatedAt', d.updated_at) ORDER BY d.as_of_utc, d.id)
  FROM displacement_counts d WHERE d.event_id = e.id)`

const STATEMENTS = `(SELECT jsonb_group_array(json_object('id', st.id, 'speaker', json_object('id', sp.id, 'name', sp.name),
    'saidAt', st.said_at, 'saidAtSortKey', st.said_at_utc, 'datePrecision', st.date_precision, 'dateBasis', st.date_basis,
    'dateNote', st.date_note, 'medium', st.medium, 'quote', st.quote, 'summary', st.summary,
    'eventIds', (SELECT jsonb_group_array(oe.id ORDER BY oe.start_utc, oe.id) FROM statement_events ose JOIN events oe ON oe.id = ose.event_id WHERE ose.statement_id = st.id),
    'citations', ${citations('statement', 'st.id')}, 'createdAt', st.created_at, 'updatedAt', st.updated_at) ORDER BY st.said_at_utc, st.id)
  FROM statement_events se JOIN statements st ON st.id = se.statement_id JOIN actors sp ON sp.id = st.speaker_id WHERE se.event_id = e.id)`

// The brief event's fields first, as lists give them, then what only the detail has.
const DETAIL = `SELECT json_object(${briefPairs('e')}, 'place', ${PLACE}, 'actors', ${ACTORS}, 'casualtyReports', ${CASUALTIES},
  'displacementCounts', ${DISPLACEMENT}, 'statements', ${STATEMENTS}, 'citations', ${citations('event', 'e.id')}) FROM events e WHERE e.id = ?`

/**
 * The event's document composed from the records, without reading event_documents: what a stored
 * document must always equal, and what fills it.
 */
export function composeEventDetailJson(sqlite: Database.Database, id: string): string | undefined {
  return prepared(sqlite, DETAIL).pluck().get(id) as string | undefined
}

const STORED = 'SELECT body FROM event_documents WHERE event_id = ?'
// The stored document with the event's external ids, read by one statement instead of two.
const STORED_WITH_IDS = `SELECT body, ${externalIdsSql(`'event'`, 'd.event_id')} FROM event_documents d WHERE d.event_id = ?`
const stores = new WeakMap<Database.Database, boolean>()

/** Whether the connection has event_documents: a release file frozen before it came has not. */
function hasStore(sqlite: Database.Database): boolean {
  let known = stores.get(sqlite)
  if (known === undefined) {
    known = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_documents'`).get() !== undefined
    // A writable database without the table is about to be migrated: ask again next time.
    if (known || sqlite.readonly) stores.set(sqlite, known)
  }
  return known
}

/**
 * The event with everything a reader needs to check it (actors, place, figures, statements,
 * sources), as JSON text: its stored document (one indexed row), or composed when none is stored,
 * with the ids it has in the datasets it was imported from. Those are added as it is read: an
 * import that only learns an id (a restored copy's record matched to its row) changes no document.
 */
export function eventDetailJson(sqlite: Database.Database, id: string): string | undefined {
  let body: string | undefined
  let ids: string | null | undefined
  if (hasStore(sqlite)) {
    if (listsExternalIds(sqlite)) [body, ids] = (prepared(sqlite, STORED_WITH_IDS).raw(true).get(id) as [string, string] | undefined) ?? []
    else body = prepared(sqlite, STORED).pluck().get(id) as string | undefined
  }
  body ??= composeEventDetailJson(sqlite, id)
  if (body === undefined) return undefined
  ids ??= externalIdsJson(sqlite, 'event', id)
  return ids === null ? body : `${body.slice(0, -1)},"externalIds":${ids}}`
}
