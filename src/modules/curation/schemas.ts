import { z } from 'zod'
import { endsBeforeStart, fitsPrecision, inSortableYears, isRealDate, PRECISION_FORMS } from '../../domain/dates.ts'
import {
  ACTOR_KINDS, ACTOR_ROLES, CASUALTY_OUTCOMES, DATE_BASES, DATE_PRECISIONS, DISPLACEMENT_METRICS, EVENT_TYPES, FIGURE_MAX,
  PLACE_KINDS, QUALIFIERS, SOURCE_KINDS, STATEMENT_MEDIA, VICTIM_GROUPS, type DatePrecision,
} from '../../domain/vocabulary.ts'

// Write payloads: strict (an unknown field is an error), camelCase like the read representations.
// Create schemas hold the rules that span fields; a PATCH is merged into the stored record and
// the result is checked against the create schema, so a patch can never leave a record invalid.

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. None is text a
 * report holds: a NUL ends the string in C and in many CSV and spreadsheet readers, the others are
 * terminal and printer codes. The CSV importer already refuses a NUL; this holds every text field
 * of every write to the same rule, REST, GraphQL and import.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/**
 * Half of a UTF-16 surrogate pair without the other half (JSON's "\ud800"): no character at all.
 * SQLite would store its three bytes as they come, text that is not UTF-8, read back as three
 * replacement characters.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const hex = (s: string) => s.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')

/** A string schema that refuses control characters and lone surrogates, naming the first one found. */
function plain<T extends z.ZodType<string | null | undefined>>(schema: T): T {
  return schema.superRefine((v, ctx) => {
    if (typeof v !== 'string') return
    const found = CONTROL.exec(v)
    if (found) ctx.addIssue({ code: 'custom', message: `holds a control character (U+${hex(found[0])}); text may hold tab, line feed and carriage return, no other control characters` })
    const lone = LONE_SURROGATE.exec(v)
    if (lone) ctx.addIssue({ code: 'custom', message: `holds half of a surrogate pair (\\u${hex(lone[0]).toLowerCase()}) without the other half, which is no character: text must be valid Unicode` })
  }) as T
}

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case slugs (a-z, 0-9, hyphens)').max(120)
const ref = plain(z.string().min(1).max(200))
const text = (max: number) => plain(z.string().trim().min(1).max(max))
const reportedDate = z.string().regex(
  /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?)?)?$/,
  'dates are YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM with a UTC offset',
).refine(isRealDate, 'not a real calendar date')
  .refine(inSortableYears, 'falls outside the years 0000 to 9999 once converted to UTC')
const count = z.number().int().nonnegative().max(FIGURE_MAX, `must be at most ${FIGURE_MAX.toLocaleString('en-GB')}`).nullable()

/** The largest paragraph number a citation takes: GraphQL's Int (32 bits, signed). */
export const MAX_PARAGRAPH = 2_147_483_647

export const CitationInput = z.strictObject({
  sourceId: ref,
  // At most GraphQL's Int, so that every stored citation reads back over both transports.
  paragraph: z.number().int().positive().max(MAX_PARAGRAPH, `at most ${MAX_PARAGRAPH}`).nullable().optional(),
  locator: text(200).optional().describe('defaults to "para. N"'),
  quote: text(4000).nullable().optional(),
})

/** The locator a citation is stored with when none is given. */
export const defaultLocator = (paragraph: number | null | undefined) => (paragraph ? `para. ${paragraph}` : 'whole source')

/**
 * A citation given twice (same source, paragraph, locator and quote, the locator as it would be
 * stored) would be stored twice and counted twice; the repeat is refused, naming the first.
 */
function noRepeatedCitations(list: unknown[], ctx: z.RefinementCtx) {
  const first = new Map<string, number>()
  list.forEach((c, i) => {
    if (!c || typeof c !== 'object') return
    const { sourceId, paragraph, locator, quote } = c as z.infer<typeof CitationInput>
    const key = JSON.stringify([sourceId, paragraph ?? null, locator ?? defaultLocator(paragraph), quote ?? null])
    const earlier = first.get(key)
    if (earlier === undefined) first.set(key, i)
    else ctx.addIssue({ code: 'custom', path: [i], message: `repeats citations.${earlier}: the same source, paragraph, locator and quote` })
  })
}

const citations = z.array(CitationInput).max(50).superRefine(noRepeatedCitations).optional()
/** A fact (an event, a figure, a statement) names where it comes from: one citation at least. */
const cited = z.array(CitationInput).min(1, 'a fact needs at least one citation: the source (and paragraph) it comes from').max(50)
  .superRefine(noRepeatedCitations)

/** The fields that date a record: its dates (start and end, or one), their precision, basis and note. */
interface Dating { dates: [string] | [start: string, end: string], precision: string, basis: string, note: string }

/**
 * A dated record's rules. A date that is not stated in the source must say how it was derived.
 * Each date is written in the form of its precision (docs/dates.md): "2023" is not a day. And an
 * end does not come before its start: with both at the record's one precision, their sort keys
 * order them. Dates that are malformed are left to their own field's message.
 */
function datedRecord<T extends z.ZodRawShape>(shape: T, { dates, precision, basis, note }: Dating) {
  return z.strictObject(shape).superRefine((v, ctx) => {
    const r = v as Record<string, unknown>
    if (r[basis] !== 'stated' && !r[note]) {
      ctx.addIssue({ code: 'custom', path: [note], message: `required when ${basis} is not "stated": say how the date was derived` })
    }
    const p = r[precision] as DatePrecision
    if (!(DATE_PRECISIONS as readonly unknown[]).includes(p)) return
    const fit = dates.map((key) => {
      const value = r[key]
      if (typeof value !== 'string' || !reportedDate.safeParse(value).success) return false
      if (fitsPrecision(value, p)) return true
      ctx.addIssue({ code: 'custom', path: [key], message: `${precision} "${p}" takes a date written ${PRECISION_FORMS[p].written}, not "${value}"` })
      return false
    })
    const [start, end] = dates
    if (end && fit[0] && fit[1] && endsBeforeStart(r[start] as string, r[end] as string)) {
      ctx.addIssue({ code: 'custom', path: [end], message: `must not come before ${start} (${String(r[start])})` })
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
  url: plain(z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000)).nullable().optional(),
  publishedDate: z.iso.date(),
  kind: z.enum(SOURCE_KINDS),
  language: plain(z.string().min(2).max(35)),
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
}, { dates: ['start', 'end'], precision: 'datePrecision', basis: 'dateBasis', note: 'dateNote' })

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
}, { dates: ['asOf'], precision: 'asOfPrecision', basis: 'asOfBasis', note: 'asOfNote' }).superRefine((v, ctx) => figureRules(v as never, ctx))

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
}, { dates: ['saidAt'], precision: 'datePrecision', basis: 'dateBasis', note: 'dateNote' })

/** A PATCH: any field of the create payload but the id, still strict. */
export function patchOf(schema: z.ZodObject) {
  const { id: _id, ...rest } = schema.shape
  return z.strictObject(rest).partial().refine((v) => Object.keys(v).length > 0, 'a patch must change at least one field')
}
