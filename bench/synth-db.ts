import { seedData } from '../seed/data.ts'
import { migrateDatabase, openDatabase } from '../src/db/client.ts'
import { seedDatabase } from '../src/db/seed.ts'
import { synthesise } from '../src/db/synth.ts'

/** Writes the seed plus `events` synthetic events to a new database file, as `npm run db:synth` does. */
export function buildSynthDb(path: string, events: number): void {
  console.log(`building a synthetic database: seed + ${events} events...`)
  const storage = openDatabase(path)
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  synthesise(storage.sqlite, { events })
  storage.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  storage.close()
}
