import { z } from 'zod'
import { isRealDate } from '../../domain/dates.ts'
import {
  ACTOR_KINDS, ACTOR_ROLES, CASUALTY_OUTCOMES, DATE_BASES, DATE_PRECISIONS, DISPLACEMENT_METRICS, EVENT_TYPES, FIGURE_MAX,
  PLACE_KINDS, QUALIFIERS, SOURCE_KINDS, STATEMENT_MEDIA, VICTIM_GROUPS,
} from '../../domain/vocabulary.ts'

// Write payloads: strict (an unknown field is an error), camelCase like the read representations.
// Create schemas hold the rules that span fields; a PATCH is merged into the stored record and
// the result is checked against the create schema, so a patch can never leave a record invalid.

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case slugs (a-z, 0-9, hyphens)').max(120)
const ref = z.string().min(1).max(200)
const text = (max: number) => z.string().trim().min(1).max(max)
const reportedDate = z.string().regex(
  /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?)?)?$/,
  'dates are YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM with a UTC offset',
).refine(isRealDate, 'not a real calendar date')
const count = z.number().int().nonnegative().max(FIGURE_MAX, `must be at most ${FIGURE_MAX.toLocaleString('en-GB')}`).nullable()

export const CitationInput = z.strictObject({
  sourceId: ref,
  paragraph: z.number().int().positive().nullable().optional(),
  locator: text(200).optional().describe('defaults to "para. N"'),
  quote: text(4000).nullable().optional(),
})

const citations = z.array(CitationInput).max(50).optional()
/** A fact (an event, a figure, a statement) names where it comes from: one citation at least. */
const cited = z.array(CitationInput).min(1, 'a fact needs at least one citation: the source (and paragraph) it comes from').max(50)

/** A date that is not stated in the source must say how it was derived. */
function datedRecord<T extends z.ZodRawShape>(shape: T, basisKey: string, noteKey: string) {
  return z.strictObject(shape).superRefine((v, ctx) => {
    const r = v as Record<string, unknown>
    if (r[basisKey] !== 'stated' && !r[noteKey]) {
      ctx.addIssue({ code: 'custom', path: [noteKey], message: `required when ${basisKey} is not "stated": say how the date was derived` })
    }
  })
}

/**
 * Bounds that agree with each other and with the words they were reported in: "at least" and
 * "more than" are a lower bound with no upper one, "up to" an upper bound, "exact" one value, and
 * a best estimate lies within the bounds. Stats add and compare these bounds, so a figure that
 * contradicts its qualifier would be counted as something it does not say.
 */
function figureRules<T extends { low?: number | null, high?: number | null, best?: number | null, qualifier: string }>(v: T, ctx: z.RefinementCtx) {
  const { low, high, best, qualifier } = v
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
  if (low != null && high != null && low > high) issue('low', 'must not exceed high')
  if (low == null && high == null && best == null) issue('best', 'a figure needs at least one of low, high or best')
  if (best != null && low != null && best < low) issue('best', `must not be below low (${low})`)
  if (best != null && high != null && best > high) issue('best', `must not exceed high (${high})`)
  if (qualifier === 'at_least' || qualifier === 'more_than') {
    if (high != null) issue('high', `must be null when qualifier is "${qualifier}": such a figure has no upper bound`)
    if (low == null) issue('low', `required when qualifier is "${qualifier}": it is the figure's lower bound`)
  }
  if (qualifier === 'up_to' && high == null) issue('high', 'required when qualifier is "up_to": it is the figure\'s upper bound')
  if (qualifier === 'exact' && new Set([low, high, best].filter((x) => x != null)).size > 1) {
    issue('qualifier', 'an exact figure has one value: low, high and best, where given, must be equal')
  }
}

export const SourceInput = z.strictObject({
  id: id.optional(),
  publisher: text(200),
  title: text(500).nullable().optional(),
  url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000).nullable().optional(),
  publishedDate: z.iso.date(),
  kind: z.enum(SOURCE_KINDS),
  language: z.string().min(2).max(35),
  note: text(2000).nullable().optional(),
})

export const ActorInput = z.strictObject({
  id: id.optional(),
  name: text(200),
  aliases: z.array(text(200)).max(50).optional(),
  kind: z.enum(ACTOR_KINDS),
  affiliationId: ref.nullable().optional(),
  description: text(2000).nullable().optional(),
  citations,
})

export const PlaceInput = z.strictObject({
  id: id.optional(),
  name: text(200),
  aliases: z.array(text(200)).max(50).optional(),
  kind: z.enum(PLACE_KINDS),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case').nullable().optional(),
  parentId: ref.nullable().optional(),
  note: text(2000).nullable().optional(),
  citations,
})

export const EventInput = datedRecord({
  id: id.optional(),
  title: text(300),
  summary: text(5000),
  type: z.enum(EVENT_TYPES),
  start: reportedDate,
  end: reportedDate.nullable().optional(),
  datePrecision: z.enum(DATE_PRECISIONS),
  dateBasis: z.enum(DATE_BASES),
  dateNote: text(2000).nullable().optional(),
  placeId: ref.nullable().optional(),
  actors: z.array(z.strictObject({ actorId: ref, role: z.enum(ACTOR_ROLES) })).max(100).optional(),
  citations: cited,
}, 'dateBasis', 'dateNote')

export const CasualtyInput = z.strictObject({
  id: id.optional(),
  eventId: ref,
  outcome: z.enum(CASUALTY_OUTCOMES),
  victimGroup: z.enum(VICTIM_GROUPS),
  low: count.optional(),
  high: count.optional(),
  best: count.optional(),
  qualifier: z.enum(QUALIFIERS),
  reportedPhrase: text(1000),
  reportedById: ref.nullable().optional(),
  victimActorId: ref.nullable().optional(),
  perpetratorActorId: ref.nullable().optional(),
  note: text(2000).nullable().optional(),
  citations: cited,
}).superRefine(figureRules)

export const DisplacementInput = datedRecord({
  id: id.optional(),
  eventId: ref.nullable().optional(),
  metric: z.enum(DISPLACEMENT_METRICS),
  low: count.optional(),
  high: count.optional(),
  best: count.optional(),
  qualifier: z.enum(QUALIFIERS),
  reportedPhrase: text(1000),
  originPlaceId: ref.nullable().optional(),
  destinationPlaceId: ref.nullable().optional(),
  asOf: reportedDate,
  asOfPrecision: z.enum(DATE_PRECISIONS),
  asOfBasis: z.enum(DATE_BASES),
  asOfNote: text(2000).nullable().optional(),
  reportedById: ref.nullable().optional(),
  relayedById: ref.nullable().optional(),
  note: text(2000).nullable().optional(),
  citations: cited,
}, 'asOfBasis', 'asOfNote').superRefine((v, ctx) => figureRules(v as never, ctx))

export const StatementInput = datedRecord({
  id: id.optional(),
  speakerId: ref,
  saidAt: reportedDate,
  datePrecision: z.enum(DATE_PRECISIONS),
  dateBasis: z.enum(DATE_BASES),
  dateNote: text(2000).nullable().optional(),
  medium: z.enum(STATEMENT_MEDIA),
  quote: text(5000).nullable().optional(),
  summary: text(5000),
  eventIds: z.array(ref).max(100).optional(),
  citations: cited,
}, 'dateBasis', 'dateNote')

/** A PATCH: any field of the create payload but the id, still strict. */
export function patchOf(schema: z.ZodObject) {
  const { id: _id, ...rest } = schema.shape
  return z.strictObject(rest).partial().refine((v) => Object.keys(v).length > 0, 'a patch must change at least one field')
}
