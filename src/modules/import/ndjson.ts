import { statSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { applyRows } from './apply.ts'
import { checkMeta, RESOURCE_OF_TYPE } from './json-input.ts'
import { externalIdsOf, isLink, LINK_KINDS, type LinkKind, linkOwner, obj, payloadOf, PRIMARY, SELF_LINK, SPEC_OF, str, type JsonRow } from './json.ts'
import { readLines } from './lines.ts'
import { ImportFileError, type ImportProgress, type Tally } from './report.ts'
import { ExportScratch } from './scratch.ts'
import type { RecordStore } from './store.ts'

/** Longest line read; a record is a few KB, so a longer line is not a record of ours. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

/**
 * Imports an NDJSON export in two passes, so that memory does not grow with the file. The first
 * streams the lines into a scratch database, one row per record; the second reads the records
 * back in load order, joins each to its link records by an indexed lookup, and writes them
 * through the same batches as a JSON document. Reports match the in-memory planner's, row for row.
 */
export async function importNdjson(sqlite: Database.Database, store: RecordStore, path: string, tally: Tally, batch: number,
  onProgress?: (progress: ImportProgress) => void): Promise<void> {
  const scratch = new ExportScratch()
  try {
    const sliced = await scan(path, scratch, (fraction) => onProgress?.({ rows: 0, fraction, report: tally.report, stage: 'reading' })).catch((err: unknown) => {
      // Only the scratch database is written in this pass: a full temporary directory is the usual cause.
      const code = (err as { code?: unknown }).code
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw err
      throw new ImportFileError(`${path}: the scratch database of the import cannot be written (${code}: ${(err as Error).message}); it takes about 1.4 times `
        + 'the size of the file in the temporary directory (SQLITE_TMPDIR or TMPDIR, else /var/tmp or /tmp): point SQLITE_TMPDIR at a directory with room')
    })
    // Indexing, the rejections and the order of actors and places: tens of seconds at a million events.
    onProgress?.({ rows: 0, fraction: null, report: tally.report, stage: 'planning' })
    scratch.indexLinks()
    for (const bad of scratch.badLines()) tally.reject({ row: bad.row, externalId: null, reason: bad.reason })
    for (const resource of PRIMARY) {
      const spec = SPEC_OF.get(resource)!
      for (const u of scratch.unusable(resource)) {
        tally.reject(u.id === null ? { row: u.row, externalId: null, reason: `${spec.label} record without an id` }
          : { row: u.row, externalId: `${spec.recordType}:${u.id}`, reason: `${spec.label} "${u.id}" appears twice (first at row ${u.first})` })
      }
    }
    for (const o of scratch.orphans()) {
      const { type, data } = JSON.parse(o.line) as { type: string, data: unknown }
      const owner = linkOwner(RESOURCE_OF_TYPE.get(type) as keyof typeof LINK_KINDS, data)
      tally.reject({ row: o.row, externalId: null, reason: `${'label' in owner ? owner.label : type}: its record is not in the file` })
    }
    for (const resource of PRIMARY) if (SELF_LINK[resource]) scratch.orderParentsFirst(resource)

    const total = scratch.usable() + tally.report.rows
    await applyRows(sqlite, store, planned(scratch), tally, batch,
      () => onProgress?.({ rows: tally.report.rows, fraction: total ? tally.report.rows / total : 1, report: tally.report, stage: 'writing' }),
      (spec, id) => scratch.orderOf(spec.exportResource, id), { sliced })
  } finally {
    scratch.close()
  }
}

/** Pass 1: every line into the scratch database, or reported when it is no record. */
async function scan(path: string, scratch: ExportScratch, progress: (fraction: number) => void): Promise<boolean> {
  const size = statSync(path).size
  let nonEmpty = 0, records = 0, bad = 0, firstBad = '', sliced = false
  const reject = (stage: 0 | 1, row: number, reason: string) => {
    scratch.bad(stage, row, reason)
    if (stage === 0 && bad++ === 0) firstBad = reason
  }
  for await (const lines of readLines(path, MAX_LINE_BYTES, (bytes) => progress(size ? Math.min(1, bytes / size) : 1))) {
    for (const { line: row, text } of lines) {
      const line = text?.trim()
      if (line === '') continue
      nonEmpty++
      if (line === undefined) { reject(0, row, `line ${row} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB`); continue }
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch (err) {
        reject(0, row, `line ${row} is not valid JSON: ${(err as Error).message}`)
        continue
      }
      const type = record && typeof record === 'object' ? (record as { type?: unknown }).type : undefined
      if (type === 'meta') { sliced = checkMeta(path, record); continue }
      const resource = typeof type === 'string' ? RESOURCE_OF_TYPE.get(type) : undefined
      if (!resource) {
        reject(0, row, `line ${row}: ${type === undefined ? 'no "type"' : `"${String(type)}" is not a record type of this API's exports`}`)
        continue
      }
      records++
      const data = (record as { data?: unknown }).data
      if (isLink(resource)) {
        const owner = linkOwner(resource, data)
        if ('reason' in owner) scratch.bad(1, row, owner.reason)
        else scratch.link(owner.kind, owner.ownerType, owner.ownerId, row, line)
        continue
      }
      const d = obj(data)
      const field = SELF_LINK[resource]
      const parent = field && d && typeof d[field] === 'string' ? d[field] as string : null
      scratch.record(resource, row, d && str(d.id) ? d.id : null, parent, line)
    }
  }
  if (records === 0 && bad > 0 && bad === nonEmpty) throw new ImportFileError(`${path}: no line is a record of this API's exports (${firstBad})`)
  return sliced
}

/** Pass 2: the records in load order, each with its links folded in. */
function* planned(scratch: ExportScratch): Generator<JsonRow> {
  for (const resource of PRIMARY) {
    const spec = SPEC_OF.get(resource)!
    for (const r of scratch.records(resource, SELF_LINK[resource] ? 'seq' : 'row')) {
      const d = (JSON.parse(r.text) as { data: Record<string, unknown> }).data
      const take = (kind: LinkKind, ownerType: string) => scratch.links(kind, ownerType, r.id).map((l) => (JSON.parse(l) as { data: Record<string, unknown> }).data)
      yield { spec, row: r.row, id: r.id, payload: payloadOf(spec, d, take), order: r.order, externalIds: externalIdsOf(spec, take) }
    }
  }
}
