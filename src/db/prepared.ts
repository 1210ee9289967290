import type Database from 'better-sqlite3'

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** Prepares a statement once per connection and reuses it: hot paths never re-parse SQL. */
export function prepared(sqlite: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(sqlite)
  if (!cache) caches.set(sqlite, cache = new Map())
  let stmt = cache.get(sql)
  if (!stmt) cache.set(sql, stmt = sqlite.prepare(sql))
  return stmt
}
