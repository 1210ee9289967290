// Request generators shared by the benchmarks, drawn from what src/db/synth.ts writes.

/** 50 events from a date, each with its place, actors and casualty reports. */
export const NESTED = 'query ($from: PartialDate) { events(first: 50, filter: { from: $from }) { nodes { id title start place { name latitude longitude } actors { role actor { name } } casualtyReports { nodes { low high best qualifier reportedPhrase } } } } }'

/** Words src/db/synth.ts puts in every synthetic title and summary, so each matches many events. */
export const WORDS = ['ceasefire', 'shelling', 'convoy', 'corridor', 'talks', 'border', 'village', 'refugees'] as const

const DAY = 86_400_000
export interface Span { start: number, days: number }
/** Synthetic events fall on the 1,460 days from 2020-01-01. */
export const SYNTH_SPAN: Span = { start: Date.UTC(2020, 0, 1), days: 1460 }

export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!
/** A random day of the span, at least `margin` days before its end, so a page from it is full. */
export const randomDay = (span: Span, margin = 30) => new Date(span.start + Math.floor(Math.random() * (span.days - margin)) * DAY).toISOString().slice(0, 10)
export const plusDays = (d: string, n: number) => new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10)
export const synthEventId = (events: number) => `synth-event-${String(Math.floor(Math.random() * events)).padStart(7, '0')}`
export const actorId = (events: number) => `synth-actor-${String(Math.floor(Math.random() * Math.max(20, Math.round(events / 50)))).padStart(6, '0')}`
export const placeId = (events: number) => `synth-place-${String(Math.floor(Math.random() * Math.max(10, Math.round(events / 200)))).padStart(6, '0')}`
