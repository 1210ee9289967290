import { resolve } from 'node:path'
import fp from 'fastify-plugin'
import { migrateDatabase, openDatabase, pendingMigrations, type Storage } from '../db/client.ts'
import { seedOnStart } from '../db/seed.ts'
import { seedData } from '../../seed/data.ts'
import { inlineRunner, poolRunner, sharable, type StatsRunner } from '../modules/stats/pool.ts'
import { fillEventDocuments, queuedEventDocuments, startRefiller } from '../modules/events/stored.ts'

const MAIN_MMAP_BYTES = 64 * 1024 * 1024

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage
    /** Runs stats, facets and summaries on worker threads (or inline for an in-memory database). */
    stats: StatsRunner
  }
}

/** Opens the database, applies migrations and loads the seed, or its changes (see seedOnStart). */
export default fp(async (app) => {
  const storage = openDatabase(app.config.databasePath, { readonly: app.config.readOnly, countStatements: app.config.countStatements })
  try {
    if (app.config.readOnly) {
      if (pendingMigrations(storage.sqlite) > 0) throw new Error(`${app.config.databasePath} was made by an older schema; serve it from a server of its own release`)
      serve(storage)
      return
    }
    migrateDatabase(storage.db)
    // An empty dataset gets the seed; one seeded from an older seed gets its changes, except on the
    // records edited since, so an editor's work is never undone by a restart.
    if (app.config.seedOnStart) {
      const result = seedOnStart(storage.sqlite, seedData)
      if (result.action === 'upgrade-failed') {
        app.log.warn({ err: result.error }, 'the changed seed could not be applied; run npm run db:seed to apply it over local edits')
      } else if (result.action !== 'none' && result.report.inserted + result.report.updated > 0) {
        app.log.info({ seed: result.report }, result.action === 'seeded' ? 'seed applied' : 'seed changes applied')
      }
    }
    fillDocuments(storage.sqlite)
  } catch (err) {
    storage.close()
    throw err
  }
  // From here on the serving connection never waits for the lock in SQLite's busy loop, which
  // would stop the event loop: writes retry asynchronously (WriteEngine.attempt) instead.
  storage.sqlite.pragma('busy_timeout = 0')
  serve(storage)
  const refiller = startRefiller(storage.sqlite, (err) => app.log.error({ err }, 'event documents could not be refilled'), undefined, (run) => {
    storage.statements.muted = true
    try { run() } finally { storage.statements.muted = false }
  })
  app.addHook('preClose', async () => refiller.stop())

  /** Stored event documents missing after the migration that adds them, or left queued by a stop. */
  function fillDocuments(sqlite: typeof storage.sqlite) {
    const queued = queuedEventDocuments(sqlite)
    if (queued === 0) return
    const started = Date.now()
    let logged = started
    const done = fillEventDocuments(sqlite, (n, total) => {
      if (Date.now() - logged < 5000) return
      logged = Date.now()
      app.log.info({ done: n, total }, 'composing stored event documents')
    })
    if (queued > 1000) app.log.info({ documents: done, ms: Date.now() - started }, 'stored event documents composed')
  }

  function serve(s: Storage) {
    const { databasePath: path, statsWorkers: workers, statsQueueMax: queueMax, statsTimeoutMs: timeoutMs } = app.config
    const stats = workers > 0 && sharable(path) ? poolRunner(resolve(path), { workers, queueMax, timeoutMs }) : inlineRunner(s.sqlite)
    // The long scans now run on the workers, which read through their page caches; the event
    // loop's reads touch a few pages each and gain little from a large memory map, whose pages
    // count in the process's resident memory (256 MiB of a large file otherwise).
    if (stats.threads > 0) s.sqlite.pragma(`mmap_size = ${MAIN_MMAP_BYTES}`)
    app.decorate('storage', s)
    app.decorate('stats', stats)
    app.addHook('onClose', async () => {
      await stats.close()
      s.close()
    })
    if (app.config.warmUp && stats.threads > 0) {
      // A listening server starts its threads now rather than on the first requests, without
      // delaying start-up (the query is a summary lookup); an app answering only injected
      // requests (tests, release apps) starts them when it needs them.
      app.addHook('onListen', async () => {
        for (let i = 0; i < stats.threads; i++) stats.run('countEvents', { filters: {} }).catch(() => undefined)
      })
    }
  }
}, { name: 'database', dependencies: ['config'] })
