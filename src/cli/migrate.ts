import { loadConfig } from '../config/config.ts'
import { migrateDatabase, openDatabase } from '../db/client.ts'

const config = loadConfig()
const storage = openDatabase(config.databasePath)
try {
  migrateDatabase(storage.db)
  console.log(`migrations applied to ${config.databasePath}`)
} finally {
  storage.close()
}
