import type Database from 'better-sqlite3'
import type { ResourceSpec } from '../curation/resources.ts'
import { BatchRunner, yieldToWriters } from './batches.ts'
import { SELF_LINK, type JsonRow } from './json.ts'
import { RowError, Tally, type RowOutcome } from './report.ts'
import type { RecordStore } from './store.ts'

/**
 * A statement of a slice lists its links to the slice's events only: the links it has to events
 * outside the slice are kept, not dropped as a whole export's missing links would be.
 */
function withStoredEvents(store: RecordStore, r: JsonRow): JsonRow['payload'] {
  const listed = r.payload.eventIds
  if (r.spec.exportResource !== 'statements' || !Array.isArray(listed)) return r.payload
  const stored = store.engine.snapshot(r.spec, r.id)?.eventIds
  if (!Array.isArray(stored)) return r.payload
  return { ...r.payload, eventIds: [...new Set([...(stored as string[]), ...(listed as string[])])].sort() }
}

interface Deferred { spec: ResourceSpec, row: number, id: string, field: string, target: string, outcome?: RowOutcome }

/**
 * Upserts planned rows in batches, in the order given. A record pointing at one of its kind that
 * comes later in the load order (`orderOf`) and is not stored yet (only possible in a cycle) is
 * written without that link first, and the link is set in a pass at the end, which then counts
 * towards that row's outcome. Only those records are held until the end, without their payloads.
 */
export async function applyRows(sqlite: Database.Database, store: RecordStore, rows: Iterable<JsonRow>, tally: Tally, batch: number,
  progress: () => void, orderOf: (spec: ResourceSpec, id: string) => number | undefined, file: { sliced: boolean } = { sliced: false }): Promise<void> {
  const deferred: Deferred[] = []
  const runner = new BatchRunner(sqlite, tally, batch, progress)
  for (const r of rows) {
    const field = SELF_LINK[r.spec.exportResource]
    let later: Deferred | undefined
    const committed = runner.add({
      row: r.row,
      externalId: `${r.spec.recordType}:${r.id}`,
      apply: () => {
        let payload = file.sliced ? withStoredEvents(store, r) : r.payload
        const target = field ? payload[field] : undefined
        later = undefined
        if (field && typeof target === 'string' && (orderOf(r.spec, target) ?? -1) > r.order && !store.exists(r.spec, target)) {
          const { [field]: _later, ...rest } = payload
          payload = rest
          later = { spec: r.spec, row: r.row, id: r.id, field, target }
        }
        const result = store.upsert(r.spec, r.id, payload)
        store.remember(r.spec, r.id, r.id)
        // The ids the record has in ACLED or UCDP, so that the next file of those is matched as in the original.
        for (const x of r.externalIds) store.remember(r.spec, x.externalId, r.id, x.system)
        return result === 'created' ? 'imported' : result
      },
      settled: (result) => {
        if (later && typeof result === 'string') deferred.push({ ...later, outcome: result })
      },
    })
    if (committed) await yieldToWriters()
  }
  runner.flush()

  if (deferred.length === 0) return
  const scratch = new Tally(tally.report.file, tally.report.format)
  const fixer = new BatchRunner(sqlite, scratch, batch)
  for (const d of deferred) {
    fixer.add({
      row: d.row,
      externalId: `${d.spec.recordType}:${d.id}`,
      apply: () => {
        if (!store.exists(d.spec, d.target)) throw new RowError(`${d.field}: ${d.spec.label} "${d.target}" was rejected, so the record was written without this link`)
        return store.setField(d.spec, d.id, d.field, d.target) ? 'updated' : 'unchanged'
      },
      settled: (result) => {
        // The record itself is stored; only its link was refused, and the report says so.
        if (typeof result !== 'string') tally.amend(d.outcome!, { ...result, reason: result.reason.includes('without this link') ? result.reason : `${result.reason}; the record was kept without this link` })
        else if (result === 'updated' && d.outcome === 'unchanged') tally.amend('unchanged', 'updated')
      },
    })
  }
  fixer.flush()
}
