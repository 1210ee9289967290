import { seedData } from '../../seed/data.ts'
import { loadConfig } from '../config/config.ts'
import { migrateDatabase, openDatabase } from '../db/client.ts'
import { seedDatabase } from '../db/seed.ts'

// Re-applies the seed: records that match it are left alone, so running it twice changes nothing.
const config = loadConfig()
const storage = openDatabase(config.databasePath)
try {
  migrateDatabase(storage.db)
  const report = seedDatabase(storage.sqlite, seedData)
  console.log(`seed: ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged`
    + (report.version === null ? ' (dataset version unchanged)' : ` (dataset version now ${report.version})`))
} finally {
  storage.close()
}
