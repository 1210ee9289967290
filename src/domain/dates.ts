import type { DatePrecision } from './vocabulary.ts'

const DATE_ONLY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/

/** Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes them as written. */
function utc(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month, day)
}

/** Where a period ends: the first instant after it, as milliseconds since the epoch. */
function periodEnd(y: string, mo: string | undefined, d: string | undefined): number {
  return d ? utc(Number(y), Number(mo) - 1, Number(d) + 1) : mo ? utc(Number(y), Number(mo), 1) : utc(Number(y) + 1, 0, 1)
}

/**
 * The UTC sort key of a reported date.
 *
 * - A time with an offset keys at its instant.
 * - A day without a time keys at midnight UTC of that day, so "24 September" comes before
 *   "24 September, 18:00 UTC+4" and stays inside `from=2023-09-24`.
 * - A month or a year keys at the last millisecond of that period. Something known only as
 *   "September 2023" may have happened on any day of it; keyed at the start it would sort weeks
 *   before the dated events it followed (a reaction "after the attack of 19 September" would come
 *   first). Keyed at the end it sorts after everything dated inside the period, never before a
 *   cause dated there. Ties (two dates of the same period) fall back to the record id.
 */
export function sortKeyOf(reported: string): string {
  const m = DATE_ONLY.exec(reported)
  if (m) {
    const [, y, mo, d] = m
    if (d) return `${y}-${mo}-${d}T00:00:00.000Z`
    return new Date(periodEnd(y!, mo, undefined) - 1).toISOString()
  }
  const t = Date.parse(reported)
  if (Number.isNaN(t)) throw new RangeError(`not a reported date: ${reported}`)
  return new Date(t).toISOString()
}

/** The precision a reported string is written at, used to check seed and import data. */
export function precisionOf(reported: string): DatePrecision {
  const m = DATE_ONLY.exec(reported)
  if (m) return m[3] ? 'day' : m[2] ? 'month' : 'year'
  return /T\d{2}:\d{2}:\d{2}/.test(reported) || /T\d{2}:\d{2}/.test(reported) ? 'minute' : 'hour'
}

/**
 * The form a reported date takes at each precision: a year, a month, a day, or a time with its
 * UTC offset. An hour is a time on the hour (the minutes, and seconds if written, are 00); a
 * minute may carry seconds, as the write schemas accept them. A date written finer or coarser
 * than its precision claims more or less than the record says it knows, and its sort key (a
 * period's last millisecond, a day's midnight) would be read at the wrong grain.
 */
export const PRECISION_FORMS: Record<DatePrecision, { pattern: RegExp, written: string }> = {
  year: { pattern: /^\d{4}$/, written: 'YYYY' },
  month: { pattern: /^\d{4}-\d{2}$/, written: 'YYYY-MM' },
  day: { pattern: /^\d{4}-\d{2}-\d{2}$/, written: 'YYYY-MM-DD' },
  hour: { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:00(:00)?([+-]\d{2}:\d{2}|Z)$/, written: 'YYYY-MM-DDTHH:00 with a UTC offset' },
  minute: { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$/, written: 'YYYY-MM-DDTHH:MM with a UTC offset' },
}

/** True when a reported date is written in the form of its precision (see PRECISION_FORMS). */
export function fitsPrecision(reported: string, precision: DatePrecision): boolean {
  return PRECISION_FORMS[precision].pattern.test(reported)
}

/**
 * True when `end` comes before `start`, compared by sort keys. Both must be written at the same
 * precision (the write schemas hold a record's dates to one): then a later sort key is a later
 * period or instant, and an end equal to its start (one day, one month) is allowed.
 */
export function endsBeforeStart(start: string, end: string): boolean {
  return sortKeyOf(end) < sortKeyOf(start)
}

/**
 * Bounds for `from`/`to` filters, compared with sort keys: a bare date, month or year covers the
 * whole period from its first instant. A record dated only to a month or a year therefore falls
 * in a window when the window reaches the last day of that period (see docs/dates.md).
 */
export function lowerBound(value: string): string {
  const m = DATE_ONLY.exec(value)
  if (!m) return sortKeyOf(value)
  const [, y, mo = '01', d = '01'] = m
  return `${y}-${mo}-${d}T00:00:00.000Z`
}

export function upperBoundExclusive(value: string): string {
  const m = DATE_ONLY.exec(value)
  const next = m ? periodEnd(m[1]!, m[2], m[3]) : Date.parse(value) + 1
  // Past year 9999 the ISO form grows a sign and would sort first; every key is below this one.
  return next >= utc(10000, 0, 1) ? '9999-12-31T23:59:59.999Z~' : new Date(next).toISOString()
}

/** True when the date part of an ISO string names a real calendar day (no 30 February). */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value)
  if (!m) return false
  const [, y, mo = '01', d = '01'] = m
  const t = new Date(utc(Number(y), Number(mo) - 1, Number(d)))
  const sameDay = t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(mo) - 1 && t.getUTCDate() === Number(d)
  return sameDay && (value.length <= 10 || !Number.isNaN(Date.parse(value)))
}

const FIRST_INSTANT = utc(0, 0, 1)
const PAST_LAST_INSTANT = utc(10000, 0, 1)

/**
 * True when a date's instant in UTC stays within the years 0000 to 9999: its offset can carry a time
 * on 31 December 9999 into year 10000, whose ISO form grows a sign and sorts before every other key.
 */
export function inSortableYears(value: string): boolean {
  if (value.length <= 10) return true
  const at = Date.parse(value)
  return Number.isNaN(at) || (at >= FIRST_INSTANT && at < PAST_LAST_INSTANT)
}
