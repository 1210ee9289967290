import { createHash } from 'node:crypto'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { stringify } from 'csv-stringify/sync'
import type { Storage } from '../../db/client.ts'
import { readVersion } from '../../db/dataset.ts'
import { neutralise } from '../../http/csv.ts'
import { licence } from '../dataset/queries.ts'
import { Chunks, type ChunkSink } from './chunks.ts'
import { countRows, linePages, SQL_JSON } from './lines.ts'
import { EXPORT_RESOURCES, exportCountQuery, exportQuery, RECORD_TYPE, type ExportFilters, type ExportResource } from './plan.ts'

export const EXPORT_FORMATS = ['json', 'ndjson', 'csv'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportMeta {
  format: ExportFormat
  datasetVersion: number
  datasetUpdatedAt: string
  filters: ExportFilters
  resources: ExportResource[]
  counts: Partial<Record<ExportResource, number>>
  licence: string
}

/**
 * A read snapshot for one export. On a database file it is a connection of its own inside a read
 * transaction, so the export is one dataset version from start to end and never blocks the
 * server's connection. An in-memory database has no second connection: the export then reads
 * through the server's own, a resource at a time, since an open iterator would refuse writes.
 */
export interface Snapshot { sqlite: Database.Database, release(): void, shared: boolean }

let openSnapshots = 0

/** How many export snapshots are open now, here or on a worker; a test uses it to show that aborted exports release theirs. */
export const openSnapshotCount = () => openSnapshots

/** Counts a snapshot as open until the function it returns is called (more calls do nothing). */
export function holdSnapshot(): () => void {
  openSnapshots++
  let open = true
  return () => { if (open) { open = false; openSnapshots-- } }
}

export function openSnapshot(storage: Storage, databasePath: string): Snapshot {
  if (databasePath === ':memory:') return { sqlite: storage.sqlite, shared: true, release: holdSnapshot() }
  const snapshot = openFileSnapshot(databasePath)
  const done = holdSnapshot()
  return { ...snapshot, release: () => { snapshot.release(); done() } }
}

/** A read-only connection of its own inside a read transaction; what a worker thread opens. */
export function openFileSnapshot(databasePath: string): Snapshot {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true })
  sqlite.pragma('busy_timeout = 5000')
  // An export reads each page about once, so a large cache buys nothing: 4 MB (the driver's default
  // is 16 MB) keeps the memory of two exports small, and reads stay within the OS page cache.
  sqlite.pragma('cache_size = -4096')
  sqlite.exec('BEGIN')
  let open = true
  return {
    sqlite,
    shared: false,
    release: () => {
      if (!open) return
      open = false
      sqlite.exec('COMMIT')
      sqlite.close()
    },
  }
}

/** Reads the version and the record counts inside the snapshot, before any row is streamed. */
export function exportMeta(sqlite: Database.Database, format: ExportFormat, filters: ExportFilters, resources: readonly ExportResource[]): ExportMeta {
  const v = readVersion(sqlite)
  const counts: Partial<Record<ExportResource, number>> = {}
  for (const r of resources) {
    const q = exportCountQuery(r, filters)
    counts[r] = sqlite.prepare(q.sql).pluck().get(...q.params) as number
  }
  return { format, datasetVersion: v.version, datasetUpdatedAt: v.updatedAt, filters, resources: [...resources], counts, licence: licence(v.version) }
}

/**
 * exportMeta for a server: whole tables are counted in steps, with the event loop turning between.
 * A shared connection has no snapshot to hold across those turns, so it is counted at once.
 */
export async function readExportMeta(snapshot: Snapshot, format: ExportFormat, filters: ExportFilters, resources: readonly ExportResource[]): Promise<ExportMeta> {
  const { sqlite } = snapshot
  if (snapshot.shared) return exportMeta(sqlite, format, filters, resources)
  const v = readVersion(sqlite)
  const counts: Partial<Record<ExportResource, number>> = {}
  for (const r of resources) counts[r] = await countRows(sqlite, r, filters, () => yieldToLoop())
  return { format, datasetVersion: v.version, datasetUpdatedAt: v.updatedAt, filters, resources: [...resources], counts, licence: licence(v.version) }
}

function* rows(sqlite: Database.Database, resource: ExportResource, filters: ExportFilters, shared: boolean): Generator<Record<string, unknown>> {
  const q = exportQuery(resource, filters)
  // A statement of its own: an iterating statement cannot serve anyone else until it is done.
  const stmt = sqlite.prepare(q.sql)
  for (const row of (shared ? stmt.all(...q.params) : stmt.iterate(...q.params)) as Iterable<Record<string, unknown>>) {
    for (const c of q.jsonColumns) row[c] = JSON.parse(row[c] as string)
    yield row
  }
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/**
 * The export as a stream of text chunks. Chunks of about 64 KiB are handed out one at a time, the
 * consumer's pace being the backpressure, and the event loop gets a turn between chunks, so
 * other requests are served while an export runs. `sink` gathers the text; by default into
 * strings.
 */
export function exportChunks(snapshot: Snapshot, meta: ExportMeta, progress?: (rows: number) => void): AsyncGenerator<string>
export function exportChunks<T>(snapshot: Snapshot, meta: ExportMeta, progress: ((rows: number) => void) | undefined, sink: ChunkSink<T>): AsyncGenerator<T>
export async function* exportChunks(snapshot: Snapshot, meta: ExportMeta, progress?: (rows: number) => void, sink: ChunkSink<unknown> = new Chunks()): AsyncGenerator<unknown> {
  const { sqlite, shared } = snapshot
  const out = sink
  let count = 0
  const hand = async function* () { progress?.(count); yield out.take(); await yieldToLoop() }
  if (meta.format === 'ndjson' || meta.format === 'json') {
    const ndjson = meta.format === 'ndjson'
    out.add(ndjson ? JSON.stringify({ type: 'meta', ...meta }) + '\n' : `{"meta":${JSON.stringify(meta)}`)
    for (const r of meta.resources) {
      if (!ndjson) out.add(`,\n"${r}":[`)
      // A JSON array puts ",\n" before every record but the first, which gets "\n".
      let first = true
      const before = ndjson ? `{"type":"${RECORD_TYPE[r]}","data":` : ',\n'
      const after = ndjson ? '}\n' : ''
      if (SQL_JSON.has(r)) {
        for (const page of linePages(sqlite, r, meta.filters, shared, before, after)) {
          out.add(first && !ndjson ? page.text.slice(1) : page.text)
          first = false
          count += page.rows
          if (out.full) yield* hand()
        }
      } else {
        for (const row of rows(sqlite, r, meta.filters, shared)) {
          out.add((first && !ndjson ? '\n' : before) + JSON.stringify(row) + after)
          first = false
          count++
          if (out.full) yield* hand()
        }
      }
      if (!ndjson) out.add(']')
    }
    if (!ndjson) out.add('}\n')
  } else {
    const [resource] = meta.resources
    let header: string[] | undefined
    out.add('\ufeff')
    let batch: unknown[][] = []
    const emit = () => { out.add(stringify(batch, { record_delimiter: 'windows', quoted_match: /[",\r\n]/ })); batch = [] }
    for (const row of rows(sqlite, resource!, meta.filters, shared)) {
      if (!header) { header = Object.keys(row); batch.push(header.map(snake)) }
      batch.push(header.map((k) => neutralise(row[k])))
      count++
      if (batch.length >= 500) {
        emit()
        if (out.full) yield* hand()
      }
    }
    if (!header) batch.push(exportHeader(resource!))
    emit()
  }
  progress?.(count)
  if (!out.empty) yield out.take()
}

/** Column names of a resource's CSV, for an empty export that has no row to take them from. */
function exportHeader(resource: ExportResource): string[] {
  return exportQuery(resource, {}).sql.slice('SELECT '.length, exportQuery(resource, {}).sql.indexOf(' FROM '))
    .split(',').map((c) => snake(c.trim().split(/\s+AS\s+/i).pop()!.replaceAll('"', '')))
}

export function resourcesFor(format: ExportFormat, resource: ExportResource | undefined): ExportResource[] {
  if (format === 'csv') return [resource ?? 'events']
  return resource ? [resource] : [...EXPORT_RESOURCES]
}

/** sha256 and size of an export, computed by running it: the same version gives the same digest. */
export async function exportDigest(snapshot: Snapshot, meta: ExportMeta): Promise<{ sha256: string, bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of exportChunks(snapshot, meta)) {
    bytes += Buffer.byteLength(chunk)
    hash.update(chunk)
  }
  return { sha256: hash.digest('hex'), bytes }
}
