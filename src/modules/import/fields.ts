import { FIGURE_MAX, type ActorKind } from '../../domain/vocabulary.ts'
import { RowError } from './report.ts'

export { slug } from '../../domain/slug.ts'

// Reading the cells of a CSV row. Each helper throws a RowError whose message names the column
// and the value, because that message is all the report gives the person fixing the file.

export type Cells = Record<string, string>

export function required(cells: Cells, column: string): string {
  const v = cells[column]?.trim() ?? ''
  if (!v) throw new RowError(`${column} is empty`)
  return v
}

export function optional(cells: Cells, column: string): string | null {
  return cells[column]?.trim() || null
}

/** A whole number >= 0, or null for an empty cell. */
export function count(cells: Cells, column: string, must = false): number | null {
  const v = must ? required(cells, column) : optional(cells, column)
  if (v === null) return null
  if (!/^\d+$/.test(v)) throw new RowError(`${column} "${v}" is not a whole number`)
  const n = Number(v)
  if (n > FIGURE_MAX) throw new RowError(`${column} ${v} is more than ${FIGURE_MAX.toLocaleString('en-GB')}, the largest figure taken`)
  return n
}

export function coordinate(cells: Cells, column: 'latitude' | 'longitude'): number {
  const v = required(cells, column)
  const n = Number(v)
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v) || !Number.isFinite(n)) throw new RowError(`${column} "${v}" is not a number`)
  const limit = column === 'latitude' ? 90 : 180
  if (Math.abs(n) > limit) throw new RowError(`${column} ${v} is out of range (-${limit} to ${limit})`)
  return n
}

/** One of a few small whole-number codes (ACLED time_precision, UCDP date_prec). */
export function code(cells: Cells, column: string, allowed: readonly number[]): number {
  const v = required(cells, column)
  const n = Number(v)
  if (!/^\d+$/.test(v) || !allowed.includes(n)) throw new RowError(`${column} "${v}" is not one of ${allowed.join(', ')}`)
  return n
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/**
 * A calendar day as YYYY-MM-DD. Takes ISO dates (with a time part, which UCDP's files carry and
 * which says nothing: it is always midnight) and ACLED's "19 September 2023" / "19 Sep 2023".
 */
export function day(cells: Cells, column: string): string {
  const v = required(cells, column)
  let y: number, m: number, d: number
  // A time may end with its zone (Z, +04:00, +0400): the day as written is kept all the same.
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(v)
  const words = /^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$/.exec(v)
  if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    // The time is dropped, but one that is no time of day says the cell is not what it seems.
    if (iso[4] !== undefined && (Number(iso[4]) > 23 || Number(iso[5]) > 59 || Number(iso[6] ?? 0) > 59)) {
      throw new RowError(`${column} "${v}": the time of day is not a real one`)
    }
  } else if (words) {
    const name = words[2]!.toLowerCase()
    const month = MONTHS.findIndex((full) => full === name || (name.length >= 3 && full.startsWith(name)))
    if (month < 0) throw new RowError(`${column} "${v}": "${words[2]}" is not a month`)
    ;[y, m, d] = [Number(words[3]), month + 1, Number(words[1])]
  } else {
    throw new RowError(`${column} "${v}" is not a date (expected YYYY-MM-DD or DD Month YYYY)`)
  }
  const iso8601 = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  if (!isCalendarDay(iso8601)) throw new RowError(`${column} "${v}" is not a real calendar date`)
  return iso8601
}

/** YYYY-MM-DD naming a day that exists; Date.parse alone takes 2023-02-30 for 2 March. */
export function isCalendarDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/** Both datasets put several sources in one cell, separated by semicolons. */
export function splitList(value: string): string[] {
  return [...new Set(value.split(';').map((s) => s.trim()).filter(Boolean))]
}

/**
 * A guess at the kind of actor from the naming conventions ACLED and UCDP share ("Military Forces
 * of X", "Government of X", "Civilians (X)"). Anything unrecognised is an armed group, which is
 * what most named actors in both datasets are; a curator can correct it, and re-imports will not
 * undo the correction (the importer creates shared records but never updates them).
 */
export function actorKind(name: string): ActorKind {
  if (/^(civilians|protesters|rioters)\b/i.test(name)) return 'civilian_population'
  if (/^(military forces|armed forces)\b/i.test(name)) return 'armed_forces'
  if (/^(police forces|government)\b/i.test(name)) return 'government'
  if (/peacekeep/i.test(name)) return 'peacekeeping_force'
  return 'armed_group'
}

// Country names as both datasets spell them, for the region this API covers and its neighbours.
// A country not listed gets no code: a wrong code would be worse than none.
const COUNTRY_CODES: Record<string, string> = {
  afghanistan: 'AF', armenia: 'AM', azerbaijan: 'AZ', belarus: 'BY', bulgaria: 'BG', cyprus: 'CY', egypt: 'EG',
  france: 'FR', georgia: 'GE', germany: 'DE', greece: 'GR', iran: 'IR', iraq: 'IQ', israel: 'IL', jordan: 'JO',
  kazakhstan: 'KZ', lebanon: 'LB', moldova: 'MD', palestine: 'PS', poland: 'PL', romania: 'RO', russia: 'RU',
  'russia (soviet union)': 'RU', 'russian federation': 'RU', 'saudi arabia': 'SA', syria: 'SY', tajikistan: 'TJ',
  turkey: 'TR', turkiye: 'TR', turkmenistan: 'TM', ukraine: 'UA', 'united kingdom': 'GB', 'united states': 'US',
  uzbekistan: 'UZ', yemen: 'YE',
}

export function countryCode(country: string): string | null {
  return COUNTRY_CODES[country.trim().toLowerCase()] ?? null
}

/** Text cut to a schema's maximum length, so a long but otherwise good cell does not lose the row. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  // Lengths count UTF-16 units, as the fields' limits do; a character outside the Basic
  // Multilingual Plane (an emoji) is two, and is never cut in half.
  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end).trimEnd()}…`
}

/** One row's cells shortened by `clip`, noted for the import report. */
export class Clips {
  readonly notes: string[] = []

  /** `text` clipped to `max`; `what` names the cell and the field it fills, for the report. */
  clip(text: string, max: number, what: string): string {
    if (text.length > max) this.notes.push(`${what}: ${text.length} characters, shortened to ${max}`)
    return clip(text, max)
  }
}
