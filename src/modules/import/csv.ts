import { createReadStream, statSync } from 'node:fs'
import { parse } from 'csv-parse'
import type { ActorRole } from '../../domain/vocabulary.ts'
import { RESOURCE_BY_TYPE } from '../curation/resources.ts'
import type { Cells } from './fields.ts'
import { ImportFileError, type RowOutcome } from './report.ts'
import type { Payload, RecordStore, Shared, WriteResult } from './store.ts'

export interface CsvRow {
  /** The file line the row starts on (a quoted cell may span lines). */
  line: number
  cells: Cells
  /** Set when the row cannot be read as the header says: its cells would land in the wrong columns. */
  problem?: string
}

/** Ids of the shared records a row names, once found or created. */
export interface Resolved { actorIds: string[], placeId: string | null, sourceIds: string[] }

/** What one CSV row becomes: an event with its actors, place and sources, and perhaps a casualty report. */
export interface RowPlan {
  eventId: string
  actors: { actor: Shared, role: ActorRole }[]
  place: Shared | null
  sources: Shared[]
  event(ids: Resolved): Payload
  casualty: ((ids: Resolved) => Payload) | null
}

export interface CsvFormat {
  system: 'acled' | 'ucdp'
  /** The columns the mapping reads; a file without one of them is refused before any row is written. */
  columns: readonly string[]
  /** The column holding the dataset's own id of the row. */
  idColumn: string
  plan(cells: Cells): RowPlan
}

/**
 * The rows of a CSV file as objects keyed by the lower-cased header, streamed so that a large
 * export is never held in memory. A file that cannot be parsed at some line raises an
 * ImportFileError naming the line; rows before it have already been handed out.
 */
export async function* readCsv(path: string, columns: readonly string[], progress?: (fraction: number) => void): AsyncGenerator<CsvRow> {
  const size = statSync(path).size
  const input = createReadStream(path)
  const parser = input.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }))
  let header: string[] | undefined
  let lines = 0, empty = 0
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[], info: { lines: number, empty_lines: number } }>) {
      const line = lines + 1 + (info.empty_lines - empty)
      lines = info.lines
      empty = info.empty_lines
      if (!header) {
        header = record.map((h) => h.trim().toLowerCase())
        const missing = columns.filter((c) => !header!.includes(c))
        if (missing.length) throw new ImportFileError(`${path}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header has ${header.join(', ')})`)
        continue
      }
      const cells = Object.fromEntries(header.map((h, i) => [h, record[i] ?? '']))
      const problem = record.length === header.length ? undefined : `the row has ${record.length} fields where the header has ${header.length}`
      yield problem ? { line, cells, problem } : { line, cells }
      progress?.(size ? input.bytesRead / size : 1)
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err
    const e = err as Error & { code?: string, lines?: number }
    if (e.code?.startsWith('CSV_')) throw new ImportFileError(`${path}: not readable as CSV at line ${e.lines ?? '?'}: ${e.message}`)
    throw err
  } finally {
    input.destroy()
  }
  if (!header) throw new ImportFileError(`${path}: the file is empty (no header line)`)
}

const EVENT = RESOURCE_BY_TYPE.get('event')!
const CASUALTY = RESOURCE_BY_TYPE.get('casualty_report')!

/**
 * Writes one planned row. The event and its casualty report are found again through the row's
 * external id, shared records through theirs, so a re-import lands on the same records whatever
 * ids they were given. A row that no longer has a figure loses the report it had.
 */
export function applyPlan(store: RecordStore, externalId: string, plan: RowPlan): RowOutcome {
  const ids: Resolved = {
    actorIds: plan.actors.map((a) => store.ensure(a.actor).id),
    placeId: plan.place ? store.ensure(plan.place).id : null,
    sourceIds: plan.sources.map((s) => store.ensure(s).id),
  }
  const eventId = store.mapped(EVENT, externalId) ?? plan.eventId
  const event = store.upsert(EVENT, eventId, plan.event(ids))
  store.remember(EVENT, externalId, eventId)

  const knownReport = store.mapped(CASUALTY, externalId)
  let report: WriteResult | 'removed' = 'unchanged'
  if (plan.casualty) {
    const reportId = knownReport ?? `${eventId}-killed`
    report = store.upsert(CASUALTY, reportId, { ...plan.casualty(ids), eventId })
    store.remember(CASUALTY, externalId, reportId)
  } else if (knownReport) {
    store.remove(CASUALTY, knownReport)
    report = 'removed'
  }
  if (event === 'created') return 'imported'
  return event === 'unchanged' && report === 'unchanged' ? 'unchanged' : 'updated'
}
