import { z } from 'zod'
import { inSortableYears, isRealDate } from '../domain/dates.ts'
import { DATE_BASES, DATE_PRECISIONS, QUALIFIERS } from '../domain/vocabulary.ts'

export const LIMIT_DEFAULT = 50
export const LIMIT_MAX = 200

const DATE_OR_DATETIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/

/** A `from`/`to`/`updatedSince` value: a year, month, date, or a date-time with its offset. */
export const DateFilter = z.string()
  .regex(DATE_OR_DATETIME, 'expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time with offset')
  .refine(isRealDate, 'not a real calendar date')
  .refine(inSortableYears, 'falls outside the years 0000 to 9999 once converted to UTC')

/**
 * A vocabulary value in a query string. REST stores and serves these in lower case and GraphQL in
 * upper case; a filter accepts either, so a value copied from one transport works in the other.
 * Both spellings are listed in the OpenAPI enum, and the handler always sees the lower-case one.
 */
export function queryEnum<const T extends readonly [string, ...string[]]>(values: T) {
  const both = [...values, ...values.map((v) => v.toUpperCase())] as unknown as readonly [string, ...string[]]
  return z.enum(both).transform((v) => v.toLowerCase() as T[number])
}

/** A comma-separated list of vocabulary values, each in either case, as the lower-case values. */
export function queryEnumList<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(queryEnum(values)).min(1))
}

// Long enough for any number up to the largest bound (MAX_SAFE_INTEGER has 16 digits); a larger one
// is then named as too big, not as not a number.
const DIGITS = /^[0-9]{1,20}$/

/**
 * A whole number in a query string, written in decimal digits alone: JavaScript's own reading of a
 * number would take `1e2`, `0x10`, ` 5` or an empty value (as 0) too. Documented as an integer.
 */
export function queryInt(min: number, max: number, fallback?: number) {
  const int = z.number({ error: (issue) => (issue.code === 'invalid_type' ? 'expected a whole number written in decimal digits' : undefined) }).int().min(min).max(max)
  const read = (v: unknown) => (typeof v === 'string' && DIGITS.test(v) ? Number(v) : v)
  return fallback === undefined ? z.preprocess(read, int) : z.preprocess(read, int.default(fallback))
}

export const ListQueryBase = {
  limit: queryInt(1, LIMIT_MAX, LIMIT_DEFAULT)
    .describe(`page size, at most ${LIMIT_MAX}`),
  cursor: z.string().min(1).max(500).optional().describe('opaque cursor from page.nextCursor'),
  format: z.enum(['json', 'csv']).optional().describe('csv for a spreadsheet-ready file; Accept: text/csv works too'),
  updatedSince: DateFilter.optional().describe('only records created or changed at or after this time'),
}

export const IdParams = z.strictObject({ id: z.string().min(1).max(200) })

export const SourceRef = z.object({
  id: z.string(),
  publisher: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  publishedDate: z.string(),
}).meta({ id: 'SourceRef' })

export const Citation = z.object({
  source: SourceRef,
  paragraph: z.number().int().nullable(),
  locator: z.string().describe('where in the source, e.g. "para. 5"'),
  quote: z.string().nullable().describe('the exact words reported, where the words are the fact'),
}).meta({ id: 'Citation' })

export const ActorRef = z.object({ id: z.string(), name: z.string() }).meta({ id: 'ActorRef' })
export const PlaceRef = z.object({ id: z.string(), name: z.string() }).meta({ id: 'PlaceRef' })

export const DateFields = {
  datePrecision: z.enum(DATE_PRECISIONS),
  dateBasis: z.enum(DATE_BASES).describe('stated in the source, inferred from it, or from an external reference'),
  dateNote: z.string().nullable().describe('how the date was derived when not stated'),
}

export const FigureFields = {
  low: z.number().int().nullable().describe('lowest value the wording allows ("more than 400" gives 401)'),
  high: z.number().int().nullable().describe('highest value the wording allows; null when open-ended'),
  best: z.number().int().nullable().describe('the figure itself when one is given'),
  qualifier: z.enum(QUALIFIERS),
  reportedPhrase: z.string().describe('the figure in the words it was reported with'),
}

export const Stamps = {
  createdAt: z.string(),
  updatedAt: z.string(),
}

export const PageInfo = z.object({
  nextCursor: z.string().nullable(),
  limit: z.number().int(),
}).meta({ id: 'PageInfo' })

export const ListMeta = z.object({
  datasetVersion: z.number().int(),
  count: z.number().int().describe('records on this page'),
  sort: z.string().optional(),
}).meta({ id: 'ListMeta' })

export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), page: PageInfo, meta: ListMeta })
}

export function itemResponse<T extends z.ZodType>(item: T) {
  return z.object({ data: item, meta: z.object({ datasetVersion: z.number().int() }) })
}

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ parameter: z.string(), in: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem' })

export const problemResponses = {
  400: Problem.describe('invalid parameter, filter, cursor or limit'),
  404: Problem.describe('no such record or route'),
}
