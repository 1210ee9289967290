import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { eq, sql } from 'drizzle-orm'
import type { SeedDataset } from '../../seed/schema.ts'
import { seedState } from './schema.ts'
import { NOW_SQL, statements } from './typed.ts'

// One row, read and written once per start-up.
const q = statements((db) => ({
  read: db.select({ digest: seedState.digest }).from(seedState).where(eq(seedState.id, 1)).prepare(),
  write: db.insert(seedState).values({ id: 1, digest: sql.placeholder('digest'), appliedAt: NOW_SQL })
    .onConflictDoUpdate({
      target: seedState.id,
      set: { digest: sql`excluded.digest`, appliedAt: sql`excluded.applied_at` },
      setWhere: sql`${seedState.digest} IS NOT excluded.digest`,
    }).prepare(),
}))

/** A fingerprint of the seed's content: any change to a fact, note or source changes it. */
export function seedDigest(data: SeedDataset): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex')
}

export function storedSeedDigest(sqlite: Database.Database): string | null {
  return q(sqlite).read.get()?.digest ?? null
}

/** Records the digest of the seed just applied; a run that changes nothing writes nothing. */
export function writeSeedDigest(sqlite: Database.Database, digest: string): void {
  q(sqlite).write.run({ digest })
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
