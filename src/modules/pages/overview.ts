import type Database from 'better-sqlite3'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import type { EventFilters } from '../events/queries.ts'
import type { Measure, Period } from '../stats/dimensions.ts'
import { eventStats, type Figure, type StatsRow } from '../stats/queries.ts'
import { eventSpan } from './queries.ts'

const DAY = 86_400_000
/** Periods the histogram may fill in between its first and last bar; past it only non-empty bars are drawn. */
const MAX_FILLED = 200
/** Displacement measures a reader thinks of as "displaced"; the chart shows the one with most figures. */
const DISPLACED = ['displaced', 'departed', 'arrived'] as const satisfies readonly Measure[]

export interface Bin { period: string, from: string, to: string, events: number, killed: Figure | null, displaced: Figure | null }
export interface Overview {
  period: Period
  bins: Bin[]
  /** Rows of events dated too coarsely for the period (a month when drawing days): listed, not drawn. */
  coarse: Bin[]
  displacedMeasure: (typeof DISPLACED)[number] | null
  truncated: boolean
}

/** The period that gives a readable number of bars for a span: years for decades down to days for a month. */
export function periodFor(days: number): Period {
  if (days >= 5 * 365) return 'year'
  if (days > 180) return 'month'
  if (days > 42) return 'week'
  return 'day'
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The Monday of an ISO week label such as 2023-W38. */
function mondayOf(label: string): number {
  const [y, w] = label.split('-W').map(Number) as [number, number]
  const jan4 = Date.UTC(y, 0, 4)
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7
  return jan4 - weekday * DAY + (w - 1) * 7 * DAY
}

export function weekLabel(ms: number): string {
  const d = new Date(ms)
  const thursday = ms + (3 - ((d.getUTCDay() + 6) % 7)) * DAY
  const year = new Date(thursday).getUTCFullYear()
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY))
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The date filters that narrow the page to one period key (a coarse key is a month or a year). */
export function boundsOf(key: string): { from: string, to: string } {
  if (key.includes('-W')) {
    const monday = mondayOf(key)
    return { from: iso(monday), to: iso(monday + 6 * DAY) }
  }
  return { from: key, to: key }
}

function keyOf(period: Period, ms: number): string {
  const d = new Date(ms)
  if (period === 'day') return iso(ms)
  if (period === 'week') return weekLabel(ms)
  if (period === 'month') return iso(ms).slice(0, 7)
  return String(d.getUTCFullYear())
}

function step(period: Period, ms: number): number {
  const d = new Date(ms)
  if (period === 'day') return ms + DAY
  if (period === 'week') return ms + 7 * DAY
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
  return Date.UTC(d.getUTCFullYear() + 1, 0, 1)
}

/** Every period key from the one holding `lo` to the one holding `hi`, or null when there are too many. */
function periodsBetween(period: Period, lo: number, hi: number): string[] | null {
  const keys: string[] = []
  const d = new Date(lo)
  let t = period === 'week' ? mondayOf(weekLabel(lo)) : period === 'month' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
    : period === 'year' ? Date.UTC(d.getUTCFullYear(), 0, 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  for (; t <= hi; t = step(period, t)) {
    if (keys.length === MAX_FILLED) return null
    keys.push(keyOf(period, t))
  }
  return keys
}

/** Two figures of distinct events combined by the rule of docs/stats.md: bounds and bests add, one open end opens the sum. */
function addFigures(a: Figure | null, b: Figure | null): Figure | null {
  if (!a || !b) return a ?? b
  const sum = (x: number | null, y: number | null, xn: number, yn: number) => (xn + yn === 0 ? null : (x ?? 0) + (y ?? 0))
  return {
    events: a.events + b.events, eventsWithoutFigure: a.eventsWithoutFigure + b.eventsWithoutFigure,
    low: sum(a.low, b.low, a.lowEvents, b.lowEvents), lowEvents: a.lowEvents + b.lowEvents,
    lowIfDisjoint: sum(a.lowIfDisjoint, b.lowIfDisjoint, a.lowEvents, b.lowEvents),
    high: a.events + b.events === 0 ? null : (a.events > 0 && a.high === null) || (b.events > 0 && b.high === null) ? null : (a.high ?? 0) + (b.high ?? 0),
    openEndedEvents: a.openEndedEvents + b.openEndedEvents,
    best: sum(a.best, b.best, a.bestEvents, b.bestEvents), bestEvents: a.bestEvents + b.bestEvents,
  }
}

/**
 * Runs of `k` periods drawn as one bar ("1801–1810"), when a span holds more non-empty periods
 * than bars fit: a page must stay small whatever the dataset.
 */
function merged(bins: Bin[], k: number): Bin[] {
  const out: Bin[] = []
  for (let i = 0; i < bins.length; i += k) {
    const run = bins.slice(i, i + k)
    const first = run[0]!, last = run[run.length - 1]!
    out.push(run.slice(1).reduce((m, b) => ({ ...m, events: m.events + b.events, killed: addFigures(m.killed, b.killed), displaced: addFigures(m.displaced, b.displaced) }),
      { ...first, period: run.length > 1 ? `${first.period}–${last.period}` : first.period, to: last.to }))
  }
  return out
}

const bin = (r: StatsRow, displaced: Overview['displacedMeasure']): Bin => ({
  period: r.key.period!, ...boundsOf(r.key.period!), events: r.events,
  killed: r.figures.killed, displaced: displaced ? r.figures[displaced] : null,
})

/**
 * Events and figures per period over the view, from the same stats function as
 * GET /v1/stats/events. The period follows the view's span: its date filters where given, else
 * its first and last event.
 */
export function overview(sqlite: Database.Database, f: EventFilters): Overview {
  const span = eventSpan(sqlite, f)
  if (!span) return { period: 'day', bins: [], coarse: [], displacedMeasure: null, truncated: false }
  const lo = Date.parse(f.from ? lowerBound(f.from) : span.first)
  const hi = f.to ? Date.parse(upperBoundExclusive(f.to)) - 1 : Date.parse(span.last)
  const period = periodFor((hi - lo) / DAY)
  const page = eventStats(sqlite, f, { groupBy: ['period'], period, limit: 5000 })
  const totals = DISPLACED.map((m) => page.rows.reduce((n, r) => n + r.figures[m].events, 0))
  const best = Math.max(...totals)
  const displacedMeasure = best > 0 ? DISPLACED[totals.indexOf(best)]! : null
  const placed = page.rows.filter((r) => r.key.periodPlaced)
  const coarse = page.rows.filter((r) => !r.key.periodPlaced).map((r) => bin(r, displacedMeasure))
  const byKey = new Map(placed.map((r) => [r.key.period!, bin(r, displacedMeasure)]))
  const keys = placed.length ? periodsBetween(period, lo, hi) : []
  const bins = keys && keys.length >= byKey.size && [...byKey.keys()].every((k) => keys.includes(k))
    ? keys.map((k) => byKey.get(k) ?? { period: k, ...boundsOf(k), events: 0, killed: null, displaced: null })
    : [...byKey.values()]
  return { period, bins: bins.length > MAX_FILLED ? merged(bins, Math.ceil(bins.length / MAX_FILLED)) : bins, coarse, displacedMeasure, truncated: page.nextCursor !== null }
}
