import type Database from 'better-sqlite3'
import { prepared } from './prepared.ts'

export interface DatasetVersion { version: number, updatedAt: string }

const EMPTY: DatasetVersion = { version: 0, updatedAt: '1970-01-01T00:00:00.000Z' }

/** The dataset version changes on every write; ETags and exports are derived from it. */
export function readVersion(sqlite: Database.Database): DatasetVersion {
  const row = prepared(sqlite, 'SELECT version, updated_at AS updatedAt FROM dataset_meta WHERE id = 1').get() as DatasetVersion | undefined
  return row ?? EMPTY
}

export function bumpVersion(sqlite: Database.Database, at = new Date().toISOString()): DatasetVersion {
  prepared(sqlite, `INSERT INTO dataset_meta (id, version, updated_at) VALUES (1, 1, ?)
    ON CONFLICT (id) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at`).run(at)
  return readVersion(sqlite)
}
