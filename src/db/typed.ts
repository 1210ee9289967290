import type Database from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import type { Db } from './client.ts'
import * as schema from './schema.ts'

const handles = new WeakMap<Database.Database, Db>()

/**
 * The drizzle handle of a connection. Query modules are handed the driver's connection (the
 * raw statements need it), so the handle is found from it rather than passed alongside.
 */
export function drizzleOf(sqlite: Database.Database): Db {
  let db = handles.get(sqlite)
  if (!db) handles.set(sqlite, db = drizzle(sqlite, { schema }))
  return db
}

/**
 * A set of typed drizzle statements, built and prepared once per connection, as `prepared` does for
 * raw SQL: building a query renders its SQL, which costs far more than running it.
 */
export function statements<T>(build: (db: Db) => T): (sqlite: Database.Database) => T {
  const built = new WeakMap<Database.Database, T>()
  return (sqlite) => {
    let set = built.get(sqlite)
    if (!set) built.set(sqlite, set = build(drizzleOf(sqlite)))
    return set
  }
}

/** The SQL expression the schema's timestamp defaults use. */
export const NOW_SQL = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

/**
 * A placeholder bound as given. A placeholder for a JSON column is otherwise encoded by the column,
 * and the encoder turns null into the text 'null' rather than SQL NULL (drizzle skips the encoder for
 * a literal null, not for a placeholder's), so the caller passes the JSON text or null itself.
 */
export const verbatim = (name: string) => sql`${sql.placeholder(name)}`
