import { z } from 'zod'
import { DATE_BASES, DATE_PRECISIONS, DISPLACEMENT_METRICS } from '../../domain/vocabulary.ts'
import { ActorRef, Citation, DateFilter, FigureFields, ListQueryBase, PlaceRef, queryEnum, Stamps } from '../../http/schemas.ts'

export const DisplacementCount = z.object({
  id: z.string(),
  eventId: z.string().nullable(),
  metric: z.enum(DISPLACEMENT_METRICS),
  ...FigureFields,
  origin: PlaceRef.nullable(),
  destination: PlaceRef.nullable(),
  asOf: z.string().describe('when the figure held, as reported, with its UTC offset where a time is given'),
  asOfSortKey: z.string(),
  asOfPrecision: z.enum(DATE_PRECISIONS),
  asOfBasis: z.enum(DATE_BASES),
  asOfNote: z.string().nullable(),
  reportedBy: ActorRef.nullable().describe('who the figure comes from'),
  relayedBy: ActorRef.nullable().describe('who passed it on (e.g. a media outlet citing authorities)'),
  note: z.string().nullable(),
  citations: z.array(Citation),
  ...Stamps,
}).meta({ id: 'DisplacementCount' })

export const DisplacementListQuery = z.strictObject({
  ...ListQueryBase,
  event: z.string().min(1).max(200).optional().describe('event id'),
  metric: queryEnum(DISPLACEMENT_METRICS).optional(),
  place: z.string().min(1).max(200).optional().describe('place id, as origin or destination'),
  actor: z.string().min(1).max(200).optional().describe('actor id, as reporter or relay'),
  from: DateFilter.optional(),
  to: DateFilter.optional(),
})
