import { seedData } from '../../seed/data.ts'
import { seedDatabase } from '../db/seed.ts'
import { openStorage } from './storage.ts'

// Re-applies the seed: records that match it are left alone, so running it twice changes nothing.
const { storage } = openStorage('db:seed')
try {
  const report = seedDatabase(storage.sqlite, seedData)
  console.log(`seed: ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged`
    + (report.version === null ? ' (dataset version unchanged)' : ` (dataset version now ${report.version})`))
} finally {
  storage.close()
}
