import { z } from 'zod'
import { Citation, FigureFields, Stamps } from '../../http/schemas.ts'
import { Actor } from '../actors/schemas.ts'
import { CasualtyReport } from '../casualties/schemas.ts'
import { DisplacementCount } from '../displacement/schemas.ts'
import { EventActor, EventSummary } from '../events/schemas.ts'
import { Place } from '../places/schemas.ts'
import { Source } from '../sources/routes.ts'
import { StatementSummary } from '../statements/schemas.ts'
import type { ResourceSpec } from './resources.ts'

// What a write answers with: the record as the engine stores it (WriteEngine.snapshot), which is
// the shape of the write body with ids for references, plus its stamps and version. Built from the
// read schemas, never from the write ones, whose trims and refinements must not run on output.
// Fields are listed in the order the snapshot has them: fast-json-stringify writes a schema's order.

const version = z.number().int().describe('the dataset version of the record\'s last write; its ETag is "v<version>-json"')
const id = (what: string) => z.string().describe(`the id of ${what}`)
const idOrNull = (what: string) => z.string().nullable().describe(`the id of ${what}; null when there is none`)

export const CitationRecord = z.object({
  sourceId: id('the source'),
  ...Citation.omit({ source: true }).shape,
}).meta({ id: 'CitationRecord' })

const stored = { version, citations: z.array(CitationRecord).describe('in paragraph order, a citation of the whole source first') }

export const SourceRecord = Source.extend({ version }).meta({ id: 'SourceRecord' })

export const ActorRecord = Actor.extend(stored).meta({ id: 'ActorRecord' })

export const PlaceRecord = Place.extend(stored).meta({ id: 'PlaceRecord' })

export const EventRecord = EventSummary.extend({
  version,
  actors: z.array(z.object({ actorId: id('the actor'), role: EventActor.shape.role })).describe('ordered by actor id and role'),
  citations: stored.citations,
}).meta({ id: 'EventRecord' })

const c = CasualtyReport.shape
export const CasualtyReportRecord = z.object({
  id: c.id,
  eventId: c.eventId,
  outcome: c.outcome,
  victimGroup: c.victimGroup,
  ...FigureFields,
  reportedById: idOrNull('the actor who gave the figure'),
  victimActorId: idOrNull('the victim actor'),
  perpetratorActorId: idOrNull('the perpetrator actor'),
  note: c.note,
  ...Stamps,
  ...stored,
}).meta({ id: 'CasualtyReportRecord' })

const d = DisplacementCount.shape
export const DisplacementCountRecord = z.object({
  id: d.id,
  eventId: d.eventId,
  metric: d.metric,
  ...FigureFields,
  originPlaceId: idOrNull('the place of origin'),
  destinationPlaceId: idOrNull('the place of destination'),
  asOf: d.asOf,
  asOfSortKey: d.asOfSortKey,
  asOfPrecision: d.asOfPrecision,
  asOfBasis: d.asOfBasis,
  asOfNote: d.asOfNote,
  reportedById: idOrNull('the actor the figure comes from'),
  relayedById: idOrNull('the actor who passed it on'),
  note: d.note,
  ...Stamps,
  ...stored,
}).meta({ id: 'DisplacementCountRecord' })

const s = StatementSummary.shape
export const StatementRecord = z.object({
  id: s.id,
  speakerId: id('the actor who spoke'),
  saidAt: s.saidAt,
  saidAtSortKey: s.saidAtSortKey,
  datePrecision: s.datePrecision,
  dateBasis: s.dateBasis,
  dateNote: s.dateNote,
  medium: s.medium,
  quote: s.quote,
  summary: s.summary,
  ...Stamps,
  version,
  eventIds: s.eventIds.describe('ordered by event id'),
  citations: stored.citations,
}).meta({ id: 'StatementRecord' })

/** The record each resource's create, update and restore answer with. */
export const RECORDS: Record<ResourceSpec['recordType'], z.ZodObject> = {
  source: SourceRecord,
  actor: ActorRecord,
  place: PlaceRecord,
  event: EventRecord,
  casualty_report: CasualtyReportRecord,
  displacement_count: DisplacementCountRecord,
  statement: StatementRecord,
}
