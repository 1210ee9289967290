import { Readable } from 'node:stream'
import type { Storage } from '../../db/client.ts'
import type { ExportFilters, ExportResource } from './plan.ts'
import { exportChunks, exportDigest, openSnapshot, readExportMeta, type ExportFormat, type ExportMeta } from './stream.ts'

export interface ExportRequest { format: ExportFormat, filters: ExportFilters, resources: ExportResource[] }

export interface ExportHooks {
  /** The reader asked for the next chunk. */
  onPull(): void
  /** The export's snapshot is released, whatever the outcome; called once. */
  onReleased(): void
}

export interface ExportDigest { meta: ExportMeta, sha256: string, bytes: number }

/** Runs exports: reads the meta inside a snapshot, then streams or digests the same snapshot. */
export interface ExportRunner {
  /** Resolves once the meta is read, with the body still to stream. */
  open(request: ExportRequest, hooks: ExportHooks): Promise<{ meta: ExportMeta, body: Readable }>
  /** Settles after the snapshot is released. */
  digest(request: ExportRequest): Promise<ExportDigest>
  /** Worker threads behind it; 0 when exports run on the event loop. */
  readonly threads: number
  close(): Promise<void>
}

/** Passes the chunks on, telling `onChunk` each time the reader takes one. */
async function* watched(chunks: AsyncGenerator<string>, onChunk: () => void): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    onChunk()
    yield chunk
  }
}

/**
 * Exports read and written on the event loop, a chunk per turn. The only way for an in-memory
 * database, which no other thread can open, and what EXPORT_WORKERS=false keeps.
 */
export function inlineExports(storage: Storage, databasePath: string): ExportRunner {
  return {
    threads: 0,
    async open(request, hooks) {
      const snapshot = openSnapshot(storage, databasePath)
      const release = () => { snapshot.release(); hooks.onReleased() }
      let meta: ExportMeta
      try {
        meta = await readExportMeta(snapshot, request.format, request.filters, request.resources)
      } catch (err) {
        release()
        throw err
      }
      const body = Readable.from(watched(exportChunks(snapshot, meta), hooks.onPull), { objectMode: true, highWaterMark: 1 })
      // Released on the last chunk and on a client that goes away mid-export alike.
      body.once('close', release)
      return { meta, body }
    },
    async digest(request) {
      const snapshot = openSnapshot(storage, databasePath)
      try {
        const meta = await readExportMeta(snapshot, request.format, request.filters, request.resources)
        return { meta, ...await exportDigest(snapshot, meta) }
      } finally {
        snapshot.release()
      }
    },
    close: async () => {},
  }
}
