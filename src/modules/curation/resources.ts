import type { z } from 'zod'
import type { RecordType } from '../../domain/vocabulary.ts'
import type { ExportResource } from '../export/plan.ts'
import { ActorInput, CasualtyInput, DisplacementInput, EventInput, PlaceInput, SourceInput, StatementInput } from './schemas.ts'

export interface Ref { field: string, type: string, table: string }
/**
 * A query for the records still referring to one being deleted. Written as `col = @id OR ...`, never
 * `@id IN (col, ...)`, which no index serves: each term then reads its own index (MULTI-INDEX OR),
 * and ordered by rowid to name the records in the order a scan would.
 */
export interface Dependent { label: string, sql: string }

/** How one resource is written: its table, payload schema, references, links and dependents. */
export interface ResourceSpec {
  path: string
  recordType: RecordType | 'source'
  exportResource: ExportResource
  table: string
  label: string
  input: z.ZodObject
  nameField: string
  refs: Ref[]
  /** Reported dates whose UTC sort key is stored beside them. */
  sortKeys: Record<string, string>
  jsonColumns: string[]
  cited: boolean
  links?: { field: string, table: string, owner: string, columns: Record<string, string>, refs: Ref[] }
  dependents: Dependent[]
}

const ACTOR = { type: 'actor', table: 'actors' }
const PLACE = { type: 'place', table: 'places' }
const EVENT = { type: 'event', table: 'events' }

export const RESOURCES: ResourceSpec[] = [
  {
    path: 'sources', recordType: 'source', exportResource: 'sources', table: 'sources', label: 'source', input: SourceInput,
    nameField: 'publisher', refs: [], sortKeys: {}, jsonColumns: [], cited: false,
    // A record citing the source twice (two paragraphs) is one record that refers to it.
    dependents: [{ label: 'the citations of', sql: `SELECT replace(record_type, '_', ' ') || ' ' || record_id FROM citations WHERE source_id = @id GROUP BY record_type, record_id ORDER BY min(id)` }],
  },
  {
    path: 'actors', recordType: 'actor', exportResource: 'actors', table: 'actors', label: 'actor', input: ActorInput,
    nameField: 'name', refs: [{ field: 'affiliationId', ...ACTOR }], sortKeys: {}, jsonColumns: ['aliases'], cited: true,
    dependents: [
      // An actor with two roles in one event is one event that refers to it.
      { label: 'event', sql: 'SELECT DISTINCT event_id FROM event_actors WHERE actor_id = @id' },
      { label: 'actor', sql: 'SELECT id FROM actors WHERE affiliation_id = @id' },
      { label: 'statement', sql: 'SELECT id FROM statements WHERE speaker_id = @id' },
      { label: 'casualty report', sql: 'SELECT id FROM casualty_reports WHERE reported_by_id = @id OR victim_actor_id = @id OR perpetrator_actor_id = @id ORDER BY rowid' },
      { label: 'displacement count', sql: 'SELECT id FROM displacement_counts WHERE reported_by_id = @id OR relayed_by_id = @id ORDER BY rowid' },
    ],
  },
  {
    path: 'places', recordType: 'place', exportResource: 'places', table: 'places', label: 'place', input: PlaceInput,
    nameField: 'name', refs: [{ field: 'parentId', ...PLACE }], sortKeys: {}, jsonColumns: ['aliases'], cited: true,
    dependents: [
      { label: 'event', sql: 'SELECT id FROM events WHERE place_id = @id' },
      { label: 'place', sql: 'SELECT id FROM places WHERE parent_id = @id' },
      { label: 'displacement count', sql: 'SELECT id FROM displacement_counts WHERE origin_place_id = @id OR destination_place_id = @id ORDER BY rowid' },
    ],
  },
  {
    path: 'events', recordType: 'event', exportResource: 'events', table: 'events', label: 'event', input: EventInput,
    nameField: 'title', refs: [{ field: 'placeId', ...PLACE }], sortKeys: { start: 'start_utc', end: 'end_utc' }, jsonColumns: [], cited: true,
    links: { field: 'actors', table: 'event_actors', owner: 'event_id', columns: { actorId: 'actor_id', role: 'role' }, refs: [{ field: 'actorId', ...ACTOR }] },
    dependents: [
      { label: 'casualty report', sql: 'SELECT id FROM casualty_reports WHERE event_id = @id' },
      { label: 'displacement count', sql: 'SELECT id FROM displacement_counts WHERE event_id = @id' },
      { label: 'statement', sql: 'SELECT statement_id FROM statement_events WHERE event_id = @id' },
    ],
  },
  {
    path: 'casualty-reports', recordType: 'casualty_report', exportResource: 'casualtyReports', table: 'casualty_reports', label: 'casualty report',
    input: CasualtyInput, nameField: 'reportedPhrase', sortKeys: {}, jsonColumns: [], cited: true,
    refs: [{ field: 'eventId', ...EVENT }, { field: 'reportedById', ...ACTOR }, { field: 'victimActorId', ...ACTOR }, { field: 'perpetratorActorId', ...ACTOR }],
    dependents: [],
  },
  {
    path: 'displacement-counts', recordType: 'displacement_count', exportResource: 'displacementCounts', table: 'displacement_counts',
    label: 'displacement count', input: DisplacementInput, nameField: 'reportedPhrase', sortKeys: { asOf: 'as_of_utc' }, jsonColumns: [], cited: true,
    refs: [{ field: 'eventId', ...EVENT }, { field: 'originPlaceId', ...PLACE }, { field: 'destinationPlaceId', ...PLACE }, { field: 'reportedById', ...ACTOR }, { field: 'relayedById', ...ACTOR }],
    dependents: [],
  },
  {
    path: 'statements', recordType: 'statement', exportResource: 'statements', table: 'statements', label: 'statement', input: StatementInput,
    nameField: 'summary', refs: [{ field: 'speakerId', ...ACTOR }], sortKeys: { saidAt: 'said_at_utc' }, jsonColumns: [], cited: true,
    links: { field: 'eventIds', table: 'statement_events', owner: 'statement_id', columns: { eventId: 'event_id' }, refs: [{ field: 'eventId', ...EVENT }] },
    dependents: [],
  },
]

export const RESOURCE_BY_TYPE = new Map(RESOURCES.map((r) => [r.recordType, r]))
