import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { databaseError } from './open-errors.ts'
import type * as schema from './schema.ts'
import { drizzleOf } from './typed.ts'

export { DatabaseOpenError } from './open-errors.ts'

export type Db = BetterSQLite3Database<typeof schema>

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations')

/**
 * Counts statements the driver executes; tests and the bench use it to show loaders batch. Work
 * the server does on its own (the event document refiller) runs `muted`, so it is not counted.
 * Counting is off unless asked for: the driver's hook makes SQLite write out each statement with
 * its parameters, 30 to 45 µs for a statement binding a page's ids. Reading `count` when it is off
 * throws, so a check on the count can never pass for want of counting.
 */
export interface StatementCounter { count: number, muted?: boolean }

function statementCounter(on: boolean): StatementCounter {
  let n = 0
  return {
    muted: false,
    get count() {
      if (!on) throw new Error('statements are not counted on this connection: open it with countStatements (config COUNT_STATEMENTS)')
      return n
    },
    set count(value) { n = value },
  }
}

export interface Storage {
  sqlite: Database.Database
  db: Db
  statements: StatementCounter
  close(): void
}

export function openDatabase(path: string, options: { readonly?: boolean, countStatements?: boolean } = {}): Storage {
  const readonly = options.readonly ?? false
  const statements = statementCounter(options.countStatements ?? false)
  let sqlite: Database.Database | undefined
  try {
    if (!readonly && path !== ':memory:' && !path.startsWith('file:')) checkPath(path)
    const verbose = options.countStatements ? () => { if (!statements.muted) statements.count++ } : undefined
    sqlite = new Database(path, { readonly, fileMustExist: readonly, ...(verbose ? { verbose } : {}) })
    // A read-only file (a release) keeps the journal mode it was written with.
    if (!readonly) sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    if (!readonly) sqlite.pragma('synchronous = NORMAL')
    // Reads dominate: map the file into memory and keep a larger page cache, so a page read is a
    // memory access rather than a system call.
    sqlite.pragma('mmap_size = 268435456')
    sqlite.pragma('cache_size = -32768')
    // Reads the schema: a file whose header passes but whose first pages are garbage fails here.
    sqlite.prepare('SELECT count(*) FROM sqlite_master').get()
  } catch (err) {
    sqlite?.close()
    throw databaseError(path, err)
  }
  const db = drizzleOf(sqlite)
  return { sqlite, db, statements, close: () => sqlite.close() }
}

/** Creates the folder, and refuses a file the process may not both read and write. */
function checkPath(path: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true })
  let exists = true
  try { statSync(path) } catch { exists = false }
  // SQLite opens a file it may not write read-only without a word; the first write would fail.
  if (exists) accessSync(path, constants.R_OK | constants.W_OK)
}

export function migrateDatabase(db: Db): void {
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  } catch (err) {
    // Corruption deeper in the file shows only once the migrations read or write it.
    const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code
    if (code && /^SQLITE_(CORRUPT|NOTADB|READONLY|CANTOPEN|IOERR|FULL)/.test(code)) throw databaseError((db as Db & { $client: Database.Database }).$client.name, (err as { cause?: unknown }).cause ?? err)
    throw err
  }
}

/** How many migrations in the folder are not applied yet; `/ready` wants zero. */
export function pendingMigrations(sqlite: Database.Database): number {
  const journal = sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = '__drizzle_migrations'`).get() as { n: number }
  if (journal.n === 0) return Number.POSITIVE_INFINITY
  const applied = (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n
  return Math.max(0, migrationCount() - applied)
}

let cachedCount: number | undefined
function migrationCount(): number {
  // Read lazily so that importing this module never touches the disk.
  cachedCount ??= (JSON.parse(readFileSync(resolve(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length
  return cachedCount
}
