import fp from 'fastify-plugin'
import { migrateDatabase, openDatabase, pendingMigrations, type Storage } from '../db/client.ts'
import { seedDatabase } from '../db/seed.ts'
import { readVersion } from '../db/dataset.ts'
import { seedData } from '../../seed/data.ts'

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage
  }
}

/** Opens the database, applies migrations and, on a database with no data yet, loads the seed. */
export default fp(async (app) => {
  const storage = openDatabase(app.config.databasePath, { readonly: app.config.readOnly })
  try {
    if (app.config.readOnly) {
      if (pendingMigrations(storage.sqlite) > 0) throw new Error(`${app.config.databasePath} was made by an older schema; serve it from a server of its own release`)
      app.decorate('storage', storage)
      app.addHook('onClose', async () => storage.close())
      return
    }
    migrateDatabase(storage.db)
    // Only an empty dataset is seeded at start, so later edits to seeded records are never undone.
    if (app.config.seedOnStart && readVersion(storage.sqlite).version === 0) {
      const report = seedDatabase(storage.sqlite, seedData)
      if (report.inserted + report.updated > 0) app.log.info({ seed: report }, 'seed applied')
    }
  } catch (err) {
    storage.close()
    throw err
  }
  app.decorate('storage', storage)
  app.addHook('onClose', async () => storage.close())
}, { name: 'database', dependencies: ['config'] })
