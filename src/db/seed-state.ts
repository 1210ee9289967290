import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { SeedDataset } from '../../seed/schema.ts'

/** A fingerprint of the seed's content: any change to a fact, note or source changes it. */
export function seedDigest(data: SeedDataset): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex')
}

export function storedSeedDigest(sqlite: Database.Database): string | null {
  const row = sqlite.prepare('SELECT digest FROM seed_state WHERE id = 1').get() as { digest: string } | undefined
  return row?.digest ?? null
}

/** Records the digest of the seed just applied; a run that changes nothing writes nothing. */
export function writeSeedDigest(sqlite: Database.Database, digest: string): void {
  sqlite.prepare(`INSERT INTO seed_state (id, digest, applied_at) VALUES (1, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, applied_at = excluded.applied_at WHERE digest IS NOT excluded.digest`).run(digest)
}

/**
 * The seed records that someone changed since: a revision is only ever written by the API or an
 * import (the seed writes none), and a tombstone means the record was deleted on purpose.
 * Answers `type:id` keys. Revisions are looked up through their index, one seed record at a time;
 * the tombstones, which have no such index, are read once into a temporary one by the IN.
 */
export function editedRecords(sqlite: Database.Database, data: SeedDataset): Set<string> {
  const keys: [string, string][] = [
    ...data.sources.map((r) => ['source', r.id] as [string, string]),
    ...data.actors.map((r) => ['actor', r.id] as [string, string]),
    ...data.places.map((r) => ['place', r.id] as [string, string]),
    ...data.events.map((r) => ['event', r.id] as [string, string]),
    ...data.casualtyReports.map((r) => ['casualty_report', r.id] as [string, string]),
    ...data.displacementCounts.map((r) => ['displacement_count', r.id] as [string, string]),
    ...data.statements.map((r) => ['statement', r.id] as [string, string]),
  ]
  const rows = sqlite.prepare(`SELECT k.value ->> 0 AS type, k.value ->> 1 AS id FROM json_each(?) k
    WHERE EXISTS (SELECT 1 FROM revisions r WHERE r.record_type = k.value ->> 0 AND r.record_id = k.value ->> 1)
       OR (k.value ->> 0, k.value ->> 1) IN (SELECT record_type, record_id FROM deletions)`)
    .all(JSON.stringify(keys)) as { type: string, id: string }[]
  return new Set(rows.map((r) => `${r.type}:${r.id}`))
}
