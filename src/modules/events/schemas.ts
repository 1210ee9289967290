import { z } from 'zod'
import { ACTOR_KINDS, ACTOR_ROLES, EVENT_TYPES } from '../../domain/vocabulary.ts'
import { Citation, DateFields, DateFilter, ListQueryBase, PlaceRef, Stamps } from '../../http/schemas.ts'
import { CasualtyReport } from '../casualties/schemas.ts'
import { DisplacementCount } from '../displacement/schemas.ts'
import { StatementSummary } from '../statements/schemas.ts'
import { EVENT_SORTS } from './queries.ts'

const typeList = z.string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(EVENT_TYPES)).min(1))

const figureBound = z.coerce.number().int().min(0).max(1_000_000_000)

export const EventFilterFields = {
  from: DateFilter.optional().describe('events starting on or after this date'),
  to: DateFilter.optional().describe('events starting on or before this date (a bare date covers the whole day)'),
  type: typeList.optional().describe(`comma-separated event types: ${EVENT_TYPES.join(', ')}`),
  actor: z.string().min(1).max(200).optional().describe('actor id; events the actor takes part in'),
  role: z.enum(ACTOR_ROLES).optional().describe('with actor: only events where the actor has this role'),
  place: z.string().min(1).max(200).optional().describe('place id'),
  q: z.string().min(1).max(200).optional().describe('full-text search over titles and summaries'),
  minKilled: figureBound.optional().describe('events whose combined killed figure is at least this (its lower bound); see docs/stats.md'),
  maxKilled: figureBound.optional().describe('events whose combined killed figure is at most this (its upper bound; open-ended figures never match)'),
  minDisplaced: figureBound.optional().describe('events with at least this many displaced, departed or arrived (lower bound)'),
  maxDisplaced: figureBound.optional().describe('events with at most this many displaced, departed or arrived (upper bound)'),
}

export const EventListQuery = z.strictObject({
  ...ListQueryBase,
  ...EventFilterFields,
  sort: z.enum(EVENT_SORTS).default('date').describe('date or updated; prefix - for descending'),
})

export const EventSummary = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  type: z.enum(EVENT_TYPES),
  start: z.string().describe('the start as reported, written at its precision ("2018", "2023-09-24T18:00+04:00")'),
  end: z.string().nullable(),
  startSortKey: z.string().describe('UTC timestamp used for sorting and date filters'),
  ...DateFields,
  placeId: z.string().nullable(),
  ...Stamps,
}).meta({ id: 'EventSummary' })

export const EventActor = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ACTOR_KINDS),
  role: z.enum(ACTOR_ROLES),
}).meta({ id: 'EventActor' })

export const EventDetail = EventSummary.extend({
  place: PlaceRef.extend({ latitude: z.number().nullable(), longitude: z.number().nullable() }).nullable(),
  actors: z.array(EventActor),
  casualtyReports: z.array(CasualtyReport),
  displacementCounts: z.array(DisplacementCount),
  statements: z.array(StatementSummary),
  citations: z.array(Citation),
}).meta({ id: 'EventDetail' })
