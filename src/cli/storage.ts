import { existsSync } from 'node:fs'
import { ConfigError, loadConfig, type Config } from '../config/config.ts'
import { DatabaseOpenError, migrateDatabase, openDatabase, type Storage } from '../db/client.ts'
import { fillEventDocuments } from '../modules/events/stored.ts'

/**
 * Configuration and database for a command-line tool. A bad setting or a database that cannot be
 * used (a folder, unreadable, read-only, corrupt) ends the process with one line naming it and
 * `exitCode`, instead of a stack trace.
 */
const busy = (err: unknown) => (err as { code?: string } | null)?.code === 'SQLITE_BUSY'

export function openStorage(name: string, options: { migrate?: boolean, exitCode?: number, mustExist?: boolean } = {}): { config: Config, storage: Storage } {
  const stop = (message: string): never => {
    console.error(`${name}: ${message}`)
    process.exit(options.exitCode ?? 1)
  }
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) stop(err.message)
    throw err
  }
  // A tool that only reads must not leave a new empty database behind a mistyped path.
  if (options.mustExist && config.databasePath !== ':memory:' && !existsSync(config.databasePath)) {
    stop(`no database at ${config.databasePath}; run npm start or npm run db:seed first`)
  }
  let storage: Storage
  try {
    storage = openDatabase(config.databasePath)
  } catch (err) {
    if (err instanceof DatabaseOpenError) stop(err.message)
    throw err
  }
  if (options.migrate ?? true) {
    try {
      migrateDatabase(storage.db)
    } catch (err) {
      storage.close()
      if (err instanceof DatabaseOpenError) stop(err.message)
      if (busy(err)) stop('another process is writing to the database, so its pending migrations cannot run now; try again once it is done')
      throw err
    }
    // The migration that adds stored event documents queues every event; compose them now. While
    // another process writes (an import, the server), they are left to it: the server composes
    // what is queued as it serves, and the tool goes on.
    const started = Date.now()
    try {
      const filled = fillEventDocuments(storage.sqlite, (n, total) => console.error(`${name}: stored event documents ${n}/${total} (${((Date.now() - started) / 1000).toFixed(1)} s)`))
      if (filled > 0) console.error(`${name}: ${filled} stored event documents composed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    } catch (err) {
      if (!busy(err)) {
        storage.close()
        throw err
      }
      console.error(`${name}: another process is writing to the database; the event documents queued in it are left for it or the server to compose`)
    }
  }
  return { config, storage }
}
