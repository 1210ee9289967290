import type { DatePrecision } from './vocabulary.ts'

const DATE_ONLY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/

/**
 * The UTC sort key of a reported date. A calendar date without a time of day has no offset to
 * convert from, so it keys at midnight UTC of that date; a time with an offset keys at its instant.
 * This keeps "24 September" before "24 September, 18:00 UTC+4" and inside `from=2023-09-24`.
 */
export function sortKeyOf(reported: string): string {
  const m = DATE_ONLY.exec(reported)
  if (m) {
    const [, y, mo = '01', d = '01'] = m
    return `${y}-${mo}-${d}T00:00:00.000Z`
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

/** Bounds for `from`/`to` filters: a bare date covers its whole day. */
export function lowerBound(value: string): string {
  return sortKeyOf(value)
}

export function upperBoundExclusive(value: string): string {
  const m = DATE_ONLY.exec(value)
  if (!m) return new Date(Date.parse(value) + 1).toISOString()
  const [, y, mo, d] = m
  const next = d
    ? Date.UTC(Number(y), Number(mo) - 1, Number(d) + 1)
    : mo ? Date.UTC(Number(y), Number(mo), 1) : Date.UTC(Number(y) + 1, 0, 1)
  // Past year 9999 the ISO form grows a sign and would sort first; every key is below this one.
  return next >= Date.UTC(10000, 0, 1) ? '9999-12-31T23:59:59.999Z~' : new Date(next).toISOString()
}

/** True when the date part of an ISO string names a real calendar day (no 30 February). */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value)
  if (!m) return false
  const [, y, mo = '01', d = '01'] = m
  const t = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)))
  const sameDay = t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(mo) - 1 && t.getUTCDate() === Number(d)
  return sameDay && (value.length <= 10 || !Number.isNaN(Date.parse(value)))
}
