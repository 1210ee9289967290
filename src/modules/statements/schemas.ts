import { z } from 'zod'
import { STATEMENT_MEDIA } from '../../domain/vocabulary.ts'
import { ActorRef, Citation, DateFields, DateFilter, ListQueryBase, queryEnum, Stamps } from '../../http/schemas.ts'

export const StatementSummary = z.object({
  id: z.string(),
  speaker: ActorRef,
  saidAt: z.string(),
  saidAtSortKey: z.string(),
  ...DateFields,
  medium: z.enum(STATEMENT_MEDIA),
  quote: z.string().nullable().describe('the words as reported'),
  summary: z.string().describe('what the speaker said or claimed, attributed'),
  eventIds: z.array(z.string()),
  citations: z.array(Citation),
  ...Stamps,
}).meta({ id: 'Statement' })

export const StatementListQuery = z.strictObject({
  ...ListQueryBase,
  speaker: z.string().min(1).max(200).optional().describe('actor id of the speaker'),
  event: z.string().min(1).max(200).optional().describe('event id the statement is about'),
  medium: queryEnum(STATEMENT_MEDIA).optional(),
  from: DateFilter.optional(),
  to: DateFilter.optional(),
  q: z.string().min(1).max(200).optional().describe('full-text search over quotes and summaries'),
})
