import { z } from 'zod'
import { EventSummary } from '../events/schemas.ts'

// The map and timeline views as formats.ts writes them. The routes send the text a stats worker
// wrote, so these schemas document the bodies and never serialise them.

const e = EventSummary.shape

export const EventFeature = z.object({
  type: z.literal('Feature'),
  id: e.id,
  geometry: z.object({
    type: z.literal('Point'),
    coordinates: z.tuple([z.number(), z.number()]).describe('[longitude, latitude] of the event\'s place'),
  }),
  properties: z.object({
    id: e.id,
    title: e.title,
    type: e.type,
    start: e.start,
    end: e.end,
    date: z.string().describe('the start as a person reads it, no more precise than reported: "24 Sep 2023, 18:00 UTC+4"'),
    datePrecision: e.datePrecision,
    dateBasis: e.dateBasis,
    place: z.string().describe('the place\'s name'),
    summary: e.summary,
    figures: z.array(z.string()).describe('each casualty and displacement figure in its reported words, with its sources'),
    sources: z.string().describe('the event\'s citations: "publisher, date, locator", separated by "; "'),
    url: z.string().describe('the event in the REST API'),
  }),
}).meta({ id: 'EventFeature' })

export const TimelineJsDate = z.object({
  year: z.number().int(),
  month: z.number().int().optional(),
  day: z.number().int().optional(),
  hour: z.number().int().optional(),
  minute: z.number().int().optional(),
  display_date: z.string(),
}).meta({ id: 'TimelineJsDate', description: 'the parts of a reported date its precision gives; a time stays in its reported offset' })

const TimelineJsText = z.object({ headline: z.string(), text: z.string().describe('HTML') })

export const TimelineJsEvent = z.object({
  unique_id: z.string().describe('the event id'),
  start_date: TimelineJsDate,
  end_date: TimelineJsDate.optional(),
  text: TimelineJsText,
  group: z.string().describe('the event type, in words'),
  location: z.object({ name: z.string(), lat: z.number().nullable(), lon: z.number().nullable() }).optional(),
}).meta({ id: 'TimelineJsEvent' })

export const TimelineJs = z.object({
  title: z.object({ text: TimelineJsText }),
  events: z.array(TimelineJsEvent),
  eras: z.array(z.object({ start_date: TimelineJsDate, end_date: TimelineJsDate, text: z.object({ headline: z.string() }) })),
})
