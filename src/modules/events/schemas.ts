import { z } from 'zod'
import { ACTOR_KINDS, ACTOR_ROLES, EVENT_TYPES } from '../../domain/vocabulary.ts'
import { Citation, DateFields, DateFilter, ListMeta, ListQueryBase, PageInfo, PlaceRef, queryEnum, queryEnumList, queryInt, Stamps } from '../../http/schemas.ts'
import { FACET_BUDGET_MS, FACET_FIELDS, FACET_SIZE } from '../stats/facets.ts'
import { CasualtyReport } from '../casualties/schemas.ts'
import { DisplacementCount } from '../displacement/schemas.ts'
import { StatementSummary } from '../statements/schemas.ts'
import { EVENT_SORTS } from './queries.ts'

const typeList = queryEnumList(EVENT_TYPES)

const figureBound = queryInt(0, 1_000_000_000)

export const EventFilterFields = {
  from: DateFilter.optional().describe('events starting on or after this date'),
  to: DateFilter.optional().describe('events starting on or before this date (a bare date covers the whole day)'),
  type: typeList.optional().describe(`comma-separated event types: ${EVENT_TYPES.join(', ')}`),
  actor: z.string().min(1).max(200).optional().describe('actor id; events the actor takes part in'),
  role: queryEnum(ACTOR_ROLES).optional().describe('with actor: only events where the actor has this role'),
  place: z.string().min(1).max(200).optional().describe('place id'),
  q: z.string().min(1).max(200).optional().describe('full-text search over titles and summaries'),
  minKilled: figureBound.optional().describe('events whose combined killed figure is at least this (its lower bound); see docs/stats.md'),
  maxKilled: figureBound.optional().describe('events whose combined killed figure is at most this (its upper bound; open-ended figures never match)'),
  minDisplaced: figureBound.optional().describe('events with at least this many displaced, departed or arrived (lower bound)'),
  maxDisplaced: figureBound.optional().describe('events with at most this many displaced, departed or arrived (upper bound)'),
}

const facetList = z.string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(FACET_FIELDS)).min(1).refine((a) => new Set(a).size === a.length, 'a field is named twice'))

export const EventListQuery = z.strictObject({
  ...ListQueryBase,
  ...EventFilterFields,
  sort: z.enum(EVENT_SORTS).default('date').describe('date or updated; prefix - for descending'),
  facets: facetList.optional().describe(`comma-separated: ${FACET_FIELDS.join(', ')}; counts of the filtered set per value in meta.facets, within a time budget`),
  count: z.enum(['exact']).optional().describe('exact: the total of the filtered set in meta.total'),
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
  externalIds: z.array(z.object({
    system: z.string().describe('the dataset: `acled` or `ucdp`'),
    id: z.string().describe('the id there: ACLED\'s `event_id_cnty`, UCDP\'s `id`'),
  }).meta({ id: 'ExternalId' })).optional()
    .describe('the ids the event has in the datasets it was imported from, by system; empty for an event written here; absent from a release made before they were listed'),
}).meta({ id: 'EventDetail' })

export const FacetValue = z.object({
  value: z.string(),
  label: z.string(),
  count: z.number().int(),
  href: z.string().nullable().describe('this list narrowed to the value; null for another actor beside an actor filter, since events are filtered by one actor at a time (the count is of events with both)'),
}).meta({ id: 'FacetValue' })

export const EventListMeta = ListMeta.extend({
  total: z.number().int().optional().describe('with count=exact: events in the filtered set'),
  facets: z.record(z.string(), z.array(FacetValue)).optional().describe(`the ${FACET_SIZE} most frequent values of each field asked for`),
  facetsCutShort: z.array(z.string()).optional().describe(`fields whose counting did not finish within ${FACET_BUDGET_MS} ms, left out of facets`),
}).meta({ id: 'EventListMeta' })

export const EventListResponse = z.object({ data: z.array(EventSummary), page: PageInfo, meta: EventListMeta })
