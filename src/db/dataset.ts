import type Database from 'better-sqlite3'
import { eq } from 'drizzle-orm'
import { prepared } from './prepared.ts'
import { datasetMeta } from './schema.ts'
import { statements } from './typed.ts'

export interface DatasetVersion { version: number, updatedAt: string }

const EMPTY: DatasetVersion = { version: 0, updatedAt: '1970-01-01T00:00:00.000Z' }

/** The dataset version changes on every write; ETags and exports are derived from it. */
export function readVersion(sqlite: Database.Database): DatasetVersion {
  return meta(sqlite).read.get() ?? EMPTY
}

// Read for every write and every export: the row's types follow the schema. The per-request read
// below stays a plucked raw statement, as a cache hit's time is counted in tenths of microseconds.
const meta = statements((db) => ({
  read: db.select({ version: datasetMeta.version, updatedAt: datasetMeta.updatedAt }).from(datasetMeta).where(eq(datasetMeta.id, 1)).prepare(),
}))

/** How long requests may share one read of the version. */
export const VERSION_SHARED_MS = 1

const shared = new WeakMap<Database.Database, { version: number, until: number }>()

/**
 * The version for requests: read at most once a millisecond and shared meanwhile, and read afresh
 * right after this process writes (bumpVersion). A cache hit then costs no statement at all; the
 * read was 15% of a hit's time. A write by another process (an import, a replica's catch-up) is
 * seen within the millisecond, sooner than its caller could learn it had committed. Reads that
 * must be exact (inside a write, an export's snapshot) call readVersion.
 */
export function currentVersion(sqlite: Database.Database): number {
  const now = performance.now()
  let entry = shared.get(sqlite)
  if (entry === undefined || now >= entry.until) {
    const version = prepared(sqlite, 'SELECT version FROM dataset_meta WHERE id = 1').pluck().get() as number | undefined ?? EMPTY.version
    shared.set(sqlite, entry = { version, until: now + VERSION_SHARED_MS })
  }
  return entry.version
}

export function bumpVersion(sqlite: Database.Database, at = new Date().toISOString()): DatasetVersion {
  shared.delete(sqlite)
  prepared(sqlite, `INSERT INTO dataset_meta (id, version, updated_at) VALUES (1, 1, ?)
    ON CONFLICT (id) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at`).run(at)
  return readVersion(sqlite)
}
