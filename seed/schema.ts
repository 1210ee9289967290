import { z } from 'zod'
import {
  ACTOR_KINDS, ACTOR_ROLES, CASUALTY_OUTCOMES, DATE_BASES, DATE_PRECISIONS, DISPLACEMENT_METRICS,
  EVENT_TYPES, PLACE_KINDS, QUALIFIERS, SOURCE_KINDS, STATEMENT_MEDIA, VICTIM_GROUPS,
} from '../src/domain/vocabulary.ts'

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case slugs')

/**
 * The place in a source that backs a record: a numbered paragraph of a stored text, or, for a
 * source only read in part (a web page), a locator in words. `quote` only where the words
 * themselves are the fact.
 */
export const SeedCitation = z.strictObject({
  source: slug,
  paragraph: z.number().int().positive().optional(),
  locator: z.string().min(1).optional(),
  quote: z.string().min(1).optional(),
}).refine((c) => c.paragraph !== undefined || c.locator !== undefined, 'a citation needs a paragraph or a locator')

const citations = z.array(SeedCitation).min(1)
const precision = z.enum(DATE_PRECISIONS)
const basis = z.enum(DATE_BASES)

// Reported dates are written at their precision: "2018", "2020-11", "2023-09-19", "2023-09-24T18:00+04:00".
const reportedDate = z.string().regex(
  /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?)?)?$/,
  'dates are YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM±HH:MM',
)

/** Shared by casualty and displacement figures: UCDP-style bounds plus the wording as reported. */
const figure = {
  low: z.number().int().nonnegative().nullable(),
  high: z.number().int().nonnegative().nullable(),
  best: z.number().int().nonnegative().nullable(),
  qualifier: z.enum(QUALIFIERS),
  reportedPhrase: z.string().min(1),
}

export const SeedSource = z.strictObject({
  id: slug,
  publisher: z.string().min(1),
  title: z.string().min(1).nullable(),
  url: z.url().nullable(),
  publishedDate: z.iso.date(),
  kind: z.enum(SOURCE_KINDS),
  language: z.string().min(2),
  note: z.string().nullable().optional(),
})

export const SeedActor = z.strictObject({
  id: slug,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  kind: z.enum(ACTOR_KINDS),
  affiliation: slug.nullable().optional(),
  description: z.string().min(1),
  citations,
})

export const SeedPlace = z.strictObject({
  id: slug,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  kind: z.enum(PLACE_KINDS),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
  countryCode: z.string().length(2).nullable(),
  parent: slug.nullable().optional(),
  note: z.string().min(1).nullable().optional(),
  citations,
})

export const SeedEvent = z.strictObject({
  id: slug,
  title: z.string().min(1),
  summary: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  start: reportedDate,
  end: reportedDate.nullable().optional(),
  datePrecision: precision,
  dateBasis: basis,
  dateNote: z.string().min(1).nullable().optional(),
  place: slug.nullable().optional(),
  actors: z.array(z.strictObject({ actor: slug, role: z.enum(ACTOR_ROLES) })).default([]),
  citations,
})

export const SeedCasualtyReport = z.strictObject({
  id: slug,
  event: slug,
  outcome: z.enum(CASUALTY_OUTCOMES),
  victimGroup: z.enum(VICTIM_GROUPS),
  ...figure,
  reportedBy: slug.nullable().optional(),
  victimActor: slug.nullable().optional(),
  perpetratorActor: slug.nullable().optional(),
  note: z.string().min(1).nullable().optional(),
  citations,
})

export const SeedDisplacementCount = z.strictObject({
  id: slug,
  event: slug.nullable().optional(),
  metric: z.enum(DISPLACEMENT_METRICS),
  ...figure,
  origin: slug.nullable().optional(),
  destination: slug.nullable().optional(),
  asOf: reportedDate,
  asOfPrecision: precision,
  asOfBasis: basis,
  asOfNote: z.string().min(1).nullable().optional(),
  reportedBy: slug.nullable().optional(),
  relayedBy: slug.nullable().optional(),
  note: z.string().min(1).nullable().optional(),
  citations,
})

export const SeedStatement = z.strictObject({
  id: slug,
  speaker: slug,
  saidAt: reportedDate,
  datePrecision: precision,
  dateBasis: basis,
  dateNote: z.string().min(1).nullable().optional(),
  medium: z.enum(STATEMENT_MEDIA),
  quote: z.string().min(1).nullable().optional(),
  summary: z.string().min(1),
  events: z.array(slug).default([]),
  citations,
})

export const SeedDataset = z.strictObject({
  sources: z.array(SeedSource),
  actors: z.array(SeedActor),
  places: z.array(SeedPlace),
  events: z.array(SeedEvent),
  casualtyReports: z.array(SeedCasualtyReport),
  displacementCounts: z.array(SeedDisplacementCount),
  statements: z.array(SeedStatement),
})

export type SeedDatasetInput = z.input<typeof SeedDataset>
export type SeedDataset = z.output<typeof SeedDataset>
