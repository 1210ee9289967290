import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { exportChunks, type ExportMeta, type Snapshot } from './stream.ts'

export interface WrittenFile { path: string, bytes: number, sha256: string }

/** Streams an export into a file, hashing the bytes on their way to disk. */
export async function writeExportFile(snapshot: Snapshot, meta: ExportMeta, path: string, progress?: (rows: number) => void): Promise<WrittenFile> {
  const hash = createHash('sha256')
  let bytes = 0
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) { hash.update(chunk); bytes += chunk.length; cb(null, chunk) },
  })
  await pipeline(Readable.from(exportChunks(snapshot, meta, progress)), tap, createWriteStream(path))
  return { path, bytes, sha256: hash.digest('hex') }
}
