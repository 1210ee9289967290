import { z } from 'zod'
import { CASUALTY_OUTCOMES, VICTIM_GROUPS } from '../../domain/vocabulary.ts'
import { ActorRef, Citation, DateFilter, FigureFields, ListQueryBase, queryEnum, Stamps } from '../../http/schemas.ts'

export const CasualtyReport = z.object({
  id: z.string(),
  eventId: z.string(),
  eventTitle: z.string(),
  eventStart: z.string(),
  outcome: z.enum(CASUALTY_OUTCOMES),
  victimGroup: z.enum(VICTIM_GROUPS),
  ...FigureFields,
  reportedBy: ActorRef.nullable().describe('who gave the figure; null when the source names no one'),
  victimActor: ActorRef.nullable(),
  perpetratorActor: ActorRef.nullable(),
  note: z.string().nullable(),
  citations: z.array(Citation),
  ...Stamps,
}).meta({ id: 'CasualtyReport' })

export const CasualtyFilterFields = {
  event: z.string().min(1).max(200).optional().describe('event id'),
  outcome: queryEnum(CASUALTY_OUTCOMES).optional(),
  victimGroup: queryEnum(VICTIM_GROUPS).optional(),
  actor: z.string().min(1).max(200).optional().describe('actor id: reporter, victim, perpetrator or party to the event'),
  from: DateFilter.optional().describe('events starting on or after this date'),
  to: DateFilter.optional().describe('events starting on or before this date'),
}

export const CasualtyListQuery = z.strictObject({ ...ListQueryBase, ...CasualtyFilterFields })
export const CasualtySummaryQuery = z.strictObject({ ...CasualtyFilterFields, updatedSince: ListQueryBase.updatedSince, format: ListQueryBase.format })

export const CasualtySummaryRow = z.object({
  outcome: z.enum(CASUALTY_OUTCOMES),
  victimGroup: z.enum(VICTIM_GROUPS),
  reportCount: z.number().int(),
  eventCount: z.number().int(),
  low: z.number().int().nullable().describe('safe lower bound: the largest single low, since reports may overlap'),
  lowIfDisjoint: z.number().int().nullable().describe('sum of the lows; holds only if the reports count different people'),
  high: z.number().int().nullable().describe('sum of the highs; null when any report is open-ended'),
  qualifiers: z.array(z.string()),
  reports: z.string().describe('the casualty reports of this group: the list narrowed to its outcome and victim group'),
  note: z.string(),
}).meta({ id: 'CasualtySummaryRow' })
