import Database from 'better-sqlite3'

/**
 * The first line each external id of a file was seen on. A file of millions of rows has millions
 * of ids: in a Map they took about 100 bytes each of the importer's heap. Here they go to a
 * private scratch database that SQLite writes to a temporary file past a 4 MiB page cache, and
 * which disappears when closed: a larger file costs disk, not memory.
 */
export class SeenIds {
  private readonly db = new Database('')
  private readonly insert: Database.Statement<[string, number, string | null]>
  private readonly firstOf: Database.Statement<[string], { line: number, label: string | null }>

  constructor() {
    this.db.pragma('cache_size = -4096')
    // Nothing here outlives the import: no journal to keep, one transaction for the whole file.
    this.db.pragma('journal_mode = OFF')
    this.db.pragma('synchronous = OFF')
    // `label`: how the row named the id, when that differs from the id itself.
    this.db.exec('CREATE TABLE seen (id TEXT PRIMARY KEY, line INTEGER NOT NULL, label TEXT) WITHOUT ROWID; BEGIN')
    this.insert = this.db.prepare('INSERT INTO seen (id, line, label) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
    this.firstOf = this.db.prepare<[string], { line: number, label: string | null }>('SELECT line, label FROM seen WHERE id = ?')
  }

  /**
   * Records `id` on `line` and returns undefined, or returns the line it was first seen on and how
   * that row named it (`label`, the id itself unless given).
   */
  firstSeen(id: string, line: number, label: string = id): { line: number, label: string } | undefined {
    if (this.insert.run(id, line, label === id ? null : label).changes === 1) return undefined
    const first = this.firstOf.get(id)!
    return { line: first.line, label: first.label ?? id }
  }

  close(): void {
    this.db.close()
  }
}
