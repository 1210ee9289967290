import { z } from 'zod'
import { DIMENSIONS, MEASURES, PERIODS } from './dimensions.ts'
import { EventFilterFields } from '../events/schemas.ts'
import { ListQueryBase, queryInt } from '../../http/schemas.ts'

export const STATS_LIMIT_MAX = 5000

const dimensionList = z.string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(DIMENSIONS)).max(DIMENSIONS.length).refine((a) => new Set(a).size === a.length, 'a dimension is named twice'))

const measureList = z.string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(MEASURES)).min(1).refine((a) => new Set(a).size === a.length, 'a measure is named twice'))

export const StatsQuery = z.strictObject({
  ...EventFilterFields,
  updatedSince: ListQueryBase.updatedSince,
  groupBy: dimensionList.default(['period']).describe(`comma-separated: ${DIMENSIONS.join(', ')}; empty for one row over the whole selection`),
  period: z.enum(PERIODS).default('month').describe('with groupBy=period: day, week (ISO 8601), month, quarter or year, in UTC'),
  limit: queryInt(1, STATS_LIMIT_MAX, 1000).describe(`groups per page, at most ${STATS_LIMIT_MAX}`),
  measures: measureList.optional().describe(`comma-separated figures to return (default all): ${MEASURES.join(', ')}`),
  cursor: ListQueryBase.cursor,
  format: ListQueryBase.format,
})

export const Figure = z.object({
  events: z.number().int().describe('events of the row with this figure'),
  eventsWithoutFigure: z.number().int().describe('events of the row with no such figure: counted, never taken as zero'),
  low: z.number().int().nullable().describe('sum over events of each event\'s safe lower bound (the largest single low of its reports)'),
  lowEvents: z.number().int().describe('events that gave a lower bound'),
  lowIfDisjoint: z.number().int().nullable().describe('the same with every report of an event added: holds only if an event\'s reports count different people'),
  high: z.number().int().nullable().describe('sum of upper bounds; null when any event\'s figure is open-ended'),
  openEndedEvents: z.number().int().describe('events whose figure has no upper bound'),
  best: z.number().int().nullable().describe('sum of best estimates, over the events that gave one'),
  bestEvents: z.number().int(),
}).meta({ id: 'StatsFigure' })

export const StatsKey = z.object({
  period: z.string().optional().describe('2023-09-19, 2023-W38, 2023-09, 2023-Q3 or 2023; a coarser label when not placed'),
  periodPlaced: z.boolean().optional().describe('false when the events are dated too coarsely for the period: the key is then their own month or year'),
  type: z.string().optional(),
  place: z.object({ id: z.string(), name: z.string() }).nullable().optional().describe('null: events with no place'),
  country: z.object({ code: z.string(), name: z.string().nullable() }).nullable().optional(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable().optional().describe('null: events with no actor'),
}).meta({ id: 'StatsKey' })

export const StatsRow = z.object({
  key: StatsKey,
  events: z.number().int(),
  figures: z.object(Object.fromEntries(MEASURES.map((m) => [m, Figure.optional()])) as Record<(typeof MEASURES)[number], z.ZodOptional<typeof Figure>>)
    .describe('the measures asked for (all by default): ' + 'killed, injured and missing from casualty reports; arrived, displaced, departed and population_at_risk from displacement counts'),
}).meta({ id: 'StatsRow' })

export const StatsResponse = z.object({
  data: z.array(StatsRow),
  page: z.object({ nextCursor: z.string().nullable(), limit: z.number().int() }),
  meta: z.object({
    datasetVersion: z.number().int(),
    count: z.number().int(),
    groupBy: z.array(z.string()),
    period: z.string(),
    source: z.enum(['summary', 'events']).describe('summary: read from the daily summary table; events: grouped from the filtered events'),
    rule: z.string(),
  }),
})
