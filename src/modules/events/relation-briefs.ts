import type Database from 'better-sqlite3'
import { prepared } from '../../db/prepared.ts'

// What GraphQL reads of an event's place, actors and casualty reports, stored as one short JSON
// array per event (event_relation_briefs) beside the event's document. A page of events then gets
// its three relations from one statement instead of three: at 50 events and about 150 actor links,
// the driver's values (a fifth of a microsecond each, some 1,300 of them) and the lookups through
// the links cost more than one text per event parsed at once.

/** The most casualty reports a brief holds: a page asks for at most 200, one more tells whether more follow. */
export const BRIEF_FIGURES = 201

export type PlaceLink = readonly [id: string, name: string, latitude: number | null, longitude: number | null]
export type ActorLinkRow = readonly [role: string, id: string, name: string, kind: string]
export type FigureRow = readonly [id: string, outcome: string, victimGroup: string, low: number | null, high: number | null,
  best: number | null, qualifier: string, reportedPhrase: string, updatedAt: string]
/** An event's place (or null), its actors by role then name, its first casualty reports by id. */
export type RelationBrief = readonly [place: PlaceLink | null, actors: ActorLinkRow[], figures: FigureRow[]]

/**
 * Only fields the event's document holds, so that every write changing a brief deletes the
 * document, which deletes the brief (migrations/0015). Subqueries return JSONB: text would lose
 * its JSON subtype on the way out and be embedded as a string. Orders are the relations' own:
 * actors as actorNamesByEvent lists them, figures as casualty_event_idx holds them.
 */
export const COMPOSE_BRIEF = `json_array(
  (SELECT jsonb_array(p.id, p.name, p.latitude, p.longitude) FROM places p WHERE p.id = e.place_id),
  coalesce((SELECT jsonb_group_array(jsonb_array(ea.role, a.id, a.name, a.kind) ORDER BY ea.role, a.name, a.id)
    FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id), jsonb_array()),
  coalesce((SELECT jsonb_group_array(jsonb_array(c.id, c.outcome, c.victim_group, c.low, c.high, c.best, c.qualifier, c.reported_phrase, c.updated_at) ORDER BY c.id)
    FROM (SELECT * FROM casualty_reports c INDEXED BY casualty_event_idx WHERE c.event_id = e.id ORDER BY c.id LIMIT ${BRIEF_FIGURES}) c), jsonb_array()))`

const COMPOSE = `SELECT ${COMPOSE_BRIEF} FROM events e WHERE e.id = ?`
// Under the event's date now: one kept under an earlier date goes first.
const UNSTORE = 'DELETE FROM event_relation_briefs WHERE event_id = ?'
const STORE = `INSERT INTO event_relation_briefs (start_utc, event_id, body) SELECT e.start_utc, e.id, ${COMPOSE_BRIEF} FROM events e WHERE e.id = ?`

/** The brief composed from the records now: what a stored one must equal. */
export function composeRelationBrief(sqlite: Database.Database, eventId: string): string | undefined {
  return prepared(sqlite, COMPOSE).pluck().get(eventId) as string | undefined
}

/** Composes and stores an event's brief; called wherever its document is stored, in the same transaction. */
export function storeRelationBrief(sqlite: Database.Database, eventId: string): void {
  prepared(sqlite, UNSTORE).run(eventId)
  prepared(sqlite, STORE).run(eventId)
}

const without = new WeakSet<Database.Database>()

/**
 * The statement reading briefs, or null on a release file frozen before briefs existed, whose
 * pages read their relations from the tables. Found out by preparing it, which runs nothing.
 */
function briefStatement(sqlite: Database.Database, sql: string): Database.Statement | null {
  if (without.has(sqlite)) return null
  try {
    return prepared(sqlite, sql)
  } catch (err) {
    if (!/no such table/.test((err as Error).message)) throw err
    // A writable file without the table is about to be migrated: ask again next time.
    if (sqlite.readonly) without.add(sqlite)
    return null
  }
}

/**
 * The join reading each row's stored relation brief (null when not stored), and the column to
 * read it from, for a page listed from events_start_brief_idx; null where briefs are not stored.
 * One statement for the page and its relations: beside the page's own, a second statement looking
 * the briefs up by key cost about as much again.
 */
export function withRelationBriefs(sqlite: Database.Database): { join: string, column: string } | null {
  if (!briefStatement(sqlite, 'SELECT 1 FROM event_relation_briefs LIMIT 0')) return null
  return { join: ' LEFT JOIN event_relation_briefs b ON b.start_utc = e.start_utc AND b.event_id = e.id', column: 'b.body' }
}

/** "0,1,...,n-1": the order a batch's briefs must come in. */
const inOrder: string[] = []
const keysInOrder = (n: number) => (inOrder[n] ??= Array.from({ length: n }, (_, i) => i).join(','))

const READ = `SELECT count(*), group_concat(j.key), '[' || group_concat(b.body, ',') || ']'
  FROM json_each(?) j JOIN event_relation_briefs b ON b.start_utc = j.value ->> 0 AND b.event_id = j.value ->> 1`

/**
 * The briefs of a batch of events (no repeats), in their order, or null unless every one is
 * stored. A brief is written whenever its event's document is and deleted with it by a trigger, so
 * a brief present is as current as a document present. Looked up by date and id, the briefs of a
 * page listed by date are neighbours, a few pages of the table rather than one apiece. The texts
 * are joined by SQLite in the order the events are visited, which the keys read beside them
 * confirm (another order gives null rather than briefs given to the wrong events), and parsed at once.
 */
export function relationBriefs(sqlite: Database.Database, events: readonly { id: string, startSortKey: string }[]): RelationBrief[] | null {
  if (events.length === 0) return []
  const stmt = briefStatement(sqlite, READ)
  if (!stmt) return null
  const keys = new Array<[string, string]>(events.length)
  for (let i = 0; i < events.length; i++) keys[i] = [events[i]!.startSortKey, events[i]!.id]
  const [n, order, text] = stmt.raw(true).get(JSON.stringify(keys)) as [number, string | null, string | null]
  return n === events.length && order === keysInOrder(n) && text ? JSON.parse(text) as RelationBrief[] : null
}
