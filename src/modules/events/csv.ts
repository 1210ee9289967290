import type Database from 'better-sqlite3'
import { citationCell, type CsvColumn } from '../../http/csv.ts'
import { casualtiesOfEvents } from '../casualties/queries.ts'
import { displacementOfEvents } from '../displacement/queries.ts'
import { placesByIds } from '../places/queries.ts'
import { citationsByRecord } from '../sources/queries.ts'
import { actorsOfEvents, type EventRow } from './queries.ts'

interface Combined { low: number | null, high: number | null, open: boolean, phrases: string[] }

/**
 * The events CSV for a page of events: the ids a program joins on, plus what a spreadsheet reader
 * wants next to them (the place's name, the actors by name with their roles, the killed and
 * injured figures with their reported wording, the displacement counts as reported, and the
 * sources with their paragraphs). Names and figures are fetched in five batched queries per page,
 * whatever its size.
 */
export function eventCsvColumns(sqlite: Database.Database, rows: readonly EventRow[]): CsvColumn<EventRow>[] {
  const ids = rows.map((e) => e.id)
  const placeIds = [...new Set(rows.map((e) => e.placeId).filter((id): id is string => id !== null))]
  const places = new Map(placesByIds(sqlite, placeIds).map((p) => [p.id, p.name]))
  const actors = new Map<string, string[]>()
  for (const a of actorsOfEvents(sqlite, ids)) actors.set(a.eventId, [...actors.get(a.eventId) ?? [], `${a.name} (${a.role})`])
  const figures = { killed: new Map<string, Combined>(), injured: new Map<string, Combined>() }
  for (const c of casualtiesOfEvents(sqlite, ids)) {
    if (c.outcome !== 'killed' && c.outcome !== 'injured') continue
    const byEvent = figures[c.outcome]
    const k = byEvent.get(c.eventId) ?? { low: null, high: 0, open: false, phrases: [] }
    // As in the casualty summary: reports may count the same people, so the safe lower bound is
    // the largest single low; the upper bound is the sum of highs, unknown if any is open-ended.
    // An exact figure given only as `best` is both its bounds, as there.
    const exact = c.qualifier === 'exact' ? c.best : null
    const low = c.low ?? exact, high = c.high ?? exact
    if (low !== null) k.low = Math.max(k.low ?? 0, low)
    if (high === null) k.open = true
    else k.high = (k.high ?? 0) + high
    k.phrases.push(c.reportedPhrase)
    byEvent.set(c.eventId, k)
  }
  const displaced = new Map<string, string[]>()
  for (const d of displacementOfEvents(sqlite, ids)) displaced.set(d.eventId!, [...displaced.get(d.eventId!) ?? [], `${d.metric.replaceAll('_', ' ')}: ${d.reportedPhrase} (${d.asOf})`])
  const cited = citationsByRecord(sqlite, 'event', ids)
  const sources = new Map(ids.map((id, i) => [id, cited[i]!]))
  const figure = (outcome: keyof typeof figures): CsvColumn<EventRow>[] => [
    [`${outcome}_low`, (e) => figures[outcome].get(e.id)?.low ?? null],
    [`${outcome}_high`, (e) => { const k = figures[outcome].get(e.id); return k && !k.open ? k.high : null }],
    [`${outcome}_reported`, (e) => figures[outcome].get(e.id)?.phrases.join(' | ') ?? null],
  ]
  return [
    ['id', (e) => e.id], ['title', (e) => e.title], ['type', (e) => e.type], ['start', (e) => e.start], ['end', (e) => e.end],
    ['date_precision', (e) => e.datePrecision], ['date_basis', (e) => e.dateBasis], ['date_note', (e) => e.dateNote],
    ['place_id', (e) => e.placeId], ['place', (e) => (e.placeId ? places.get(e.placeId) : null)],
    ['actors', (e) => actors.get(e.id)?.join('; ') ?? null],
    ...figure('killed'), ...figure('injured'),
    ['displacement_reported', (e) => displaced.get(e.id)?.join(' | ') ?? null],
    ['sources', (e) => citationCell(sources.get(e.id) ?? []) || null],
    ['summary', (e) => e.summary], ['start_sort_key', (e) => e.startSortKey], ['updated_at', (e) => e.updatedAt],
  ]
}
