import type Database from 'better-sqlite3'
import { RESOURCES, type ResourceSpec } from '../curation/resources.ts'
import type { ExportResource } from '../export/plan.ts'
import { BatchRunner, yieldToWriters } from './batches.ts'
import type { Entry, ExportFile } from './json-input.ts'
import { RowError, Tally, type Rejection, type RowOutcome } from './report.ts'
import type { Payload, RecordStore } from './store.ts'

const SPEC_OF = new Map<ExportResource, ResourceSpec>(RESOURCES.map((r) => [r.exportResource, r]))

/** Records that point at others of their own kind, which a file may list after them. */
const SELF_LINK: Partial<Record<ExportResource, string>> = { actors: 'affiliationId', places: 'parentId' }

/** Load order: every reference points at a resource earlier in this list (or, see SELF_LINK, the same). */
const PRIMARY: ExportResource[] = ['sources', 'actors', 'places', 'events', 'casualtyReports', 'displacementCounts', 'statements']

interface JsonRow { spec: ResourceSpec, row: number, id: string, payload: Payload }

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined)
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0

/**
 * Turns an export back into write payloads: the export's own stamps and sort keys are dropped,
 * and the link records (event actors, statement events, citations) are folded into the records
 * they belong to, since that is how the write payloads carry them. A link record whose owner is
 * not in the file cannot be written and is reported as a row of its own.
 */
export function planRows(file: ExportFile): { rows: JsonRow[], bad: Rejection[] } {
  const bad = [...file.bad]
  const links = new Map<string, { row: number, data: Record<string, unknown>, label: string }[]>()
  const link = (key: string, row: number, data: Record<string, unknown>, label: string) => {
    const list = links.get(key) ?? []
    list.push({ row, data, label })
    links.set(key, list)
  }
  const primary = new Map<ExportResource, Entry[]>()
  for (const e of file.entries) {
    const d = obj(e.data)
    if (e.resource === 'eventActors') {
      if (d && str(d.eventId) && str(d.actorId) && str(d.role)) link(`event|${d.eventId}`, e.row, d, `event_actor ${d.eventId}/${d.actorId}`)
      else bad.push({ row: e.row, externalId: null, reason: 'event_actor record needs eventId, actorId and role' })
    } else if (e.resource === 'statementEvents') {
      if (d && str(d.statementId) && str(d.eventId)) link(`statement-events|${d.statementId}`, e.row, d, `statement_event ${d.statementId}/${d.eventId}`)
      else bad.push({ row: e.row, externalId: null, reason: 'statement_event record needs statementId and eventId' })
    } else if (e.resource === 'citations') {
      if (d && str(d.recordType) && str(d.recordId) && str(d.sourceId)) link(`cite|${d.recordType}|${d.recordId}`, e.row, d, `citation of ${d.recordType} ${d.recordId}`)
      else bad.push({ row: e.row, externalId: null, reason: 'citation record needs recordType, recordId and sourceId' })
    } else {
      const list = primary.get(e.resource)
      if (list) list.push(e)
      else primary.set(e.resource, [e])
    }
  }
  const take = (key: string) => {
    const list = links.get(key) ?? []
    links.delete(key)
    return list.map((l) => l.data)
  }

  const rows: JsonRow[] = []
  for (const resource of PRIMARY) {
    const spec = SPEC_OF.get(resource)!
    const seen = new Map<string, number>()
    const planned: JsonRow[] = []
    for (const e of primary.get(resource) ?? []) {
      const d = obj(e.data)
      if (!d || !str(d.id)) { bad.push({ row: e.row, externalId: null, reason: `${spec.label} record without an id` }); continue }
      const key = `${spec.recordType}:${d.id}`
      if (seen.has(d.id)) { bad.push({ row: e.row, externalId: key, reason: `${spec.label} "${d.id}" appears twice (first at row ${seen.get(d.id)})` }); continue }
      seen.set(d.id, e.row)
      const payload: Payload = {}
      for (const field of Object.keys(spec.input.shape)) {
        if (field !== 'id' && field !== 'citations' && field !== spec.links?.field && field in d) payload[field] = d[field]
      }
      if (resource === 'events') payload.actors = take(`event|${d.id}`).map((l) => ({ actorId: l.actorId, role: l.role }))
      if (resource === 'statements') payload.eventIds = take(`statement-events|${d.id}`).map((l) => l.eventId)
      if (spec.cited) payload.citations = take(`cite|${spec.recordType}|${d.id}`).map((c) => ({ sourceId: c.sourceId, paragraph: c.paragraph ?? null, locator: c.locator, quote: c.quote ?? null }))
      planned.push({ spec, row: e.row, id: d.id, payload })
    }
    const field = SELF_LINK[resource]
    rows.push(...(field ? parentsFirst(planned, field) : planned))
  }
  for (const orphans of links.values()) {
    for (const l of orphans) bad.push({ row: l.row, externalId: null, reason: `${l.label}: its record is not in the file` })
  }
  return { rows, bad }
}

/** Orders records so that the one a record points at comes first; a cycle is left for applyRows to patch. */
function parentsFirst(rows: JsonRow[], field: string): JsonRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const state = new Map<string, 'visiting' | 'done'>()
  const out: JsonRow[] = []
  const visit = (r: JsonRow) => {
    if (state.has(r.id)) return
    state.set(r.id, 'visiting')
    const target = r.payload[field]
    const parent = typeof target === 'string' ? byId.get(target) : undefined
    if (parent) visit(parent)
    state.set(r.id, 'done')
    out.push(r)
  }
  // Iterative over the list, recursive along one chain: chains of affiliation are short.
  for (const r of rows) visit(r)
  return out
}

/**
 * Upserts the planned rows in batches. A record pointing at one of its kind that is later in the
 * file and not stored yet (only possible in a cycle) is written without that link first, and the
 * link is set in a pass at the end, which then counts towards that row's outcome.
 */
export async function applyRows(sqlite: Database.Database, store: RecordStore, rows: JsonRow[], tally: Tally, batch: number, progress: () => void): Promise<void> {
  // Where each record comes in the load order, to tell a link to a later record from one to a record that failed.
  const position = new Map(rows.map((r, i) => [`${r.spec.recordType}:${r.id}`, i]))
  const deferred = new Map<JsonRow, { field: string, target: string, outcome?: RowOutcome }>()
  const runner = new BatchRunner(sqlite, tally, batch, progress)
  for (const [index, r] of rows.entries()) {
    const field = SELF_LINK[r.spec.exportResource]
    const committed = runner.add({
      row: r.row,
      externalId: `${r.spec.recordType}:${r.id}`,
      apply: () => {
        let payload = r.payload
        const target = field ? payload[field] : undefined
        if (field && typeof target === 'string' && (position.get(`${r.spec.recordType}:${target}`) ?? -1) > index && !store.exists(r.spec, target)) {
          const { [field]: _later, ...rest } = payload
          payload = rest
          deferred.set(r, { field, target })
        }
        const result = store.upsert(r.spec, r.id, payload)
        store.remember(r.spec, r.id, r.id)
        return result === 'created' ? 'imported' : result
      },
      settled: (result) => {
        const d = deferred.get(r)
        if (d && typeof result === 'string') d.outcome = result
      },
    })
    if (committed) await yieldToWriters()
  }
  runner.flush()

  const fixes = [...deferred].filter(([, d]) => d.outcome)
  if (fixes.length === 0) return
  const scratch = new Tally(tally.report.file, tally.report.format)
  const fixer = new BatchRunner(sqlite, scratch, batch)
  for (const [r, d] of fixes) {
    fixer.add({
      row: r.row,
      externalId: `${r.spec.recordType}:${r.id}`,
      apply: () => {
        if (!store.exists(r.spec, d.target)) throw new RowError(`${d.field}: ${r.spec.label} "${d.target}" was rejected, so the record was written without this link`)
        return store.setField(r.spec, r.id, d.field, d.target) ? 'updated' : 'unchanged'
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
