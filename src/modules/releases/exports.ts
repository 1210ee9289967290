import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import Database from 'better-sqlite3'
import { writeExportFile } from '../export/files.ts'
import { EXPORT_RESOURCES, type ExportResource } from '../export/plan.ts'
import { openFileSnapshot, readExportMeta } from '../export/stream.ts'
import { csvName } from './datapackage.ts'
import type { ReleaseFile } from './store.ts'

/**
 * What the manifest takes from the thread: the rows of each resource, the licence line, and the
 * size and sha256 of each file it wrote (named relative to the release's folder).
 */
export interface ReleaseExports { counts: Partial<Record<ExportResource, number>>, licence: string, files: ReleaseFile[] }

/** The priority of the thread that makes a release's files (see lowerPriority). */
export interface ReleasePriority { nice: number, idle: boolean }

/**
 * Makes `dest` the release's SQLite file: a copy of `source` (null when `dest` holds the copy
 * already), without API keys, in rollback-journal mode so that it opens read-only anywhere.
 */
export function freezeDatabase(source: string | null, dest: string): void {
  if (source) {
    const src = new Database(source, { readonly: true, fileMustExist: true })
    try {
      src.pragma('busy_timeout = 5000')
      // One read transaction: the copy is a single dataset version even while writes go on.
      src.prepare('VACUUM INTO ?').run(dest)
    } finally {
      src.close()
    }
  }
  const db = new Database(dest, { fileMustExist: true })
  try {
    // API key hashes are not part of the dataset; secure_delete zeroes their pages before the
    // final VACUUM rewrites the file without them.
    db.pragma('secure_delete = ON')
    db.exec('DELETE FROM api_keys')
    db.pragma('journal_mode = DELETE')
    db.exec('VACUUM')
  } finally {
    db.close()
  }
}

/**
 * Writes a release's exports, JSON, NDJSON and a CSV per resource, from the frozen file into
 * `dir`, all read in one snapshot of it.
 */
export async function writeReleaseExports(frozenPath: string, dir: string): Promise<ReleaseExports> {
  const snapshot = openFileSnapshot(frozenPath)
  try {
    const all = await readExportMeta(snapshot, 'json', {}, [...EXPORT_RESOURCES])
    const written = [
      await writeExportFile(snapshot, all, join(dir, 'timeline.json')),
      await writeExportFile(snapshot, { ...all, format: 'ndjson' }, join(dir, 'timeline.ndjson')),
    ]
    for (const r of EXPORT_RESOURCES) {
      written.push(await writeExportFile(snapshot, { ...all, format: 'csv', resources: [r], counts: { [r]: all.counts[r] } }, join(dir, csvName(r))))
    }
    const files = written.map((w) => ({ name: relative(dir, w.path).split('\\').join('/'), bytes: w.bytes, sha256: w.sha256 }))
    return { counts: all.counts, licence: all.licence, files }
  } finally {
    snapshot.release()
  }
}

/** The size and sha256 of a file, read as a stream. */
export async function fileDigest(path: string): Promise<{ bytes: number, sha256: string }> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return { bytes: statSync(path).size, sha256: hash.digest('hex') }
}

/** What the release thread is given: the file to copy (null: `frozenPath` holds the copy), and where to write. */
export interface ReleaseWorkerData { source: string | null, frozenPath: string, dir: string, priority: ReleasePriority | null }
export type ReleaseWorkerReply = { ok: true, exports: ReleaseExports } | { ok: false, message: string }
