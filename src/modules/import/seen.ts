import Database from 'better-sqlite3'

/**
 * The first line each external id of a file was seen on. A file of millions of rows has millions
 * of ids: in a Map they took about 100 bytes each of the importer's heap. Here they go to a
 * private scratch database that SQLite writes to a temporary file past a 4 MiB page cache, and
 * which disappears when closed: a larger file costs disk, not memory.
 */
export class SeenIds {
  private readonly db = new Database('')
  private readonly insert: Database.Statement<[string, number]>
  private readonly lineOf: Database.Statement<[string], number>

  constructor() {
    this.db.pragma('cache_size = -4096')
    // Nothing here outlives the import: no journal to keep, one transaction for the whole file.
    this.db.pragma('journal_mode = OFF')
    this.db.pragma('synchronous = OFF')
    this.db.exec('CREATE TABLE seen (id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID; BEGIN')
    this.insert = this.db.prepare('INSERT INTO seen (id, line) VALUES (?, ?) ON CONFLICT (id) DO NOTHING')
    this.lineOf = this.db.prepare<[string], number>('SELECT line FROM seen WHERE id = ?').pluck()
  }

  /** Records `id` on `line` and returns undefined, or returns the line it was first seen on. */
  firstSeen(id: string, line: number): number | undefined {
    if (this.insert.run(id, line).changes === 1) return undefined
    return this.lineOf.get(id)
  }

  close(): void {
    this.db.close()
  }
}
