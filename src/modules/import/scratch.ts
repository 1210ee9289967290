import Database from 'better-sqlite3'
import { EXPORT_RESOURCES, type ExportResource } from '../export/plan.ts'
import { RESOURCES } from '../curation/resources.ts'
import type { LinkKind } from './json.ts'

const RES = new Map(EXPORT_RESOURCES.map((r, i) => [r, i]))
const res = (r: ExportResource) => RES.get(r)!
/** The resource a link's owner is, by link kind and (for citations and external ids) the owner's record type. */
const OWNER_RES = (kind: LinkKind, ownerType: string): number | null => kind === 0 ? res('events') : kind === 1 ? res('statements')
  : (kind === 2 ? CITED : TYPED).get(ownerType) ?? null
const CITED = new Map(RESOURCES.filter((r) => r.cited).map((r) => [r.recordType as string, res(r.exportResource)]))
const TYPED = new Map(RESOURCES.map((r) => [r.recordType as string, res(r.exportResource)]))

/** Records kept on disk rather than in memory; a page of them is read back at a time. */
const PAGE = 500
/** SQLite's page cache for the scratch file: past it, pages go to disk. */
const CACHE_KIB = 16 * 1024

export interface StoredRecord { row: number, id: string, text: string, order: number }

/**
 * The records of an NDJSON export, one row per line, so that each record can be joined to its
 * links wherever they stand in the file without holding the file. It lives in a temporary
 * database SQLite creates in its temporary directory (SQLITE_TMPDIR or TMPDIR, else /var/tmp or
 * /tmp) and unlinks as it opens it: it takes disk space while the import runs and is gone when it
 * is closed or the process ends, however it ends.
 */
export class ExportScratch {
  private readonly db = new Database('')
  private readonly insertRecord: Database.Statement
  private readonly insertLink: Database.Statement
  private readonly insertBad: Database.Statement
  private readonly firstOf: Database.Statement<[number, string], { row: number, parent: string | null, seq: number | null }>
  private readonly linkLines: Database.Statement<[number, string, string], string>

  constructor() {
    this.db.pragma(`cache_size = -${CACHE_KIB}`)
    // Nothing here outlives the import: no journal, no syncing, one transaction that is never committed.
    this.db.pragma('journal_mode = OFF')
    this.db.pragma('synchronous = OFF')
    this.db.exec(`
      CREATE TABLE rec (row INTEGER PRIMARY KEY, res INTEGER NOT NULL, id TEXT, first INTEGER, parent TEXT, seq INTEGER, line TEXT NOT NULL);
      CREATE INDEX rec_id ON rec (res, id);
      CREATE TABLE link (row INTEGER PRIMARY KEY, kind INTEGER NOT NULL, otype TEXT NOT NULL, ores INTEGER, oid TEXT NOT NULL, line TEXT NOT NULL);
      CREATE TABLE bad (row INTEGER NOT NULL, stage INTEGER NOT NULL, reason TEXT NOT NULL);
      BEGIN`)
    this.insertRecord = this.db.prepare('INSERT INTO rec (row, res, id, first, parent, line) VALUES (?, ?, ?, ?, ?, ?)')
    this.insertLink = this.db.prepare('INSERT INTO link (row, kind, otype, ores, oid, line) VALUES (?, ?, ?, ?, ?, ?)')
    this.insertBad = this.db.prepare('INSERT INTO bad (row, stage, reason) VALUES (?, ?, ?)')
    this.firstOf = this.db.prepare('SELECT row, parent, seq FROM rec WHERE res = ? AND id = ? AND first IS NULL')
    this.linkLines = this.db.prepare<[number, string, string], string>('SELECT line FROM link WHERE kind = ? AND otype = ? AND oid = ? ORDER BY row').pluck()
  }

  /** A primary record; `id` null when it has none. Returns the row of an earlier record with its id. */
  record(resource: ExportResource, row: number, id: string | null, parent: string | null, line: string): number | undefined {
    const first = id === null ? undefined : this.firstOf.get(res(resource), id)?.row
    this.insertRecord.run(row, res(resource), id, first ?? null, parent, line)
    return first
  }

  link(kind: LinkKind, ownerType: string, ownerId: string, row: number, line: string): void {
    this.insertLink.run(row, kind, ownerType, OWNER_RES(kind, ownerType), ownerId, line)
  }

  /** A line that is no record (stage 0) or a link record missing its keys (stage 1). */
  bad(stage: 0 | 1, row: number, reason: string): void {
    this.insertBad.run(row, stage, reason)
  }

  /** Builds what reading back needs; called once every line is in. */
  indexLinks(): void {
    this.db.exec('CREATE INDEX link_owner ON link (kind, otype, oid); CREATE INDEX rec_res ON rec (res)')
  }

  /** Lines that are no record, then link records missing their keys, each group in file order. */
  *badLines(): Generator<{ row: number, reason: string }> {
    const page = this.db.prepare<[number, number, number], { k: number, row: number, reason: string }>(
      'SELECT rowid AS k, row, reason FROM bad WHERE stage = ? AND rowid > ? ORDER BY rowid LIMIT ?')
    for (const stage of [0, 1]) {
      for (let after = 0; ;) {
        const rows = page.all(stage, after, PAGE)
        if (rows.length === 0) break
        after = rows[rows.length - 1]!.k
        yield* rows
      }
    }
  }

  /** Records of a resource without an id, or with an id an earlier record of it had, in file order. */
  *unusable(resource: ExportResource): Generator<{ row: number, id: string | null, first: number | null }> {
    const page = this.db.prepare<[number, number, number], { row: number, id: string | null, first: number | null }>(
      'SELECT row, id, first FROM rec WHERE res = ? AND row > ? AND (id IS NULL OR first IS NOT NULL) ORDER BY row LIMIT ?')
    for (let after = 0; ;) {
      const rows = page.all(res(resource), after, PAGE)
      if (rows.length === 0) return
      after = rows[rows.length - 1]!.row
      yield* rows
    }
  }

  /**
   * Link records whose owner is not in the file, grouped by owner in the order owners first
   * appear, then in file order: the order the in-memory planner reports them in.
   */
  *orphans(): Generator<{ row: number, line: string }> {
    this.db.exec(`CREATE TEMP TABLE orphan_key AS SELECT min(row) AS first, kind, otype, oid FROM link l GROUP BY kind, otype, oid
      HAVING NOT EXISTS (SELECT 1 FROM rec r WHERE r.res = l.ores AND r.id = l.oid AND r.first IS NULL);
      CREATE INDEX temp.orphan_first ON orphan_key (first)`)
    const page = this.db.prepare<[number, number], { first: number, kind: number, otype: string, oid: string }>('SELECT first, kind, otype, oid FROM orphan_key WHERE first > ? ORDER BY first LIMIT ?')
    const lines = this.db.prepare<[number, string, string], { row: number, line: string }>('SELECT row, line FROM link WHERE kind = ? AND otype = ? AND oid = ? ORDER BY row')
    for (let after = 0; ;) {
      const keys = page.all(after, PAGE)
      if (keys.length === 0) return
      after = keys[keys.length - 1]!.first
      for (const k of keys) yield* lines.all(k.kind, k.otype, k.oid)
    }
  }

  /**
   * Numbers the records of a self-linked resource so that the record each points at comes first
   * (depth first along the links, in file order, as the in-memory planner orders them); a cycle
   * is left for applyRows to patch. Only the chain being followed is held in memory.
   */
  orderParentsFirst(resource: ExportResource): void {
    const r = res(resource)
    const mark = this.db.prepare('UPDATE rec SET seq = ? WHERE row = ?')
    const seqOf = this.db.prepare<[number], number | null>('SELECT seq FROM rec WHERE row = ?').pluck()
    let seq = 0
    for (const start of this.pageRecords(r, 'row')) {
      if (seqOf.get(start.row) !== null) continue
      const stack = [{ row: start.row, parent: this.firstOf.get(r, start.id)!.parent, expanded: false }]
      const onStack = new Set([start.row])
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!
        if (!top.expanded) {
          top.expanded = true
          const parent = top.parent === null ? undefined : this.firstOf.get(r, top.parent)
          if (parent && parent.seq === null && !onStack.has(parent.row)) {
            stack.push({ row: parent.row, parent: parent.parent, expanded: false })
            onStack.add(parent.row)
          }
          continue
        }
        stack.pop()
        onStack.delete(top.row)
        mark.run(seq++, top.row)
      }
    }
    this.db.exec(`CREATE INDEX IF NOT EXISTS rec_seq ON rec (res, seq) WHERE seq IS NOT NULL`)
  }

  /** The usable records of a resource (an id, the first with it), in file order or in the order numbered above. */
  records(resource: ExportResource, by: 'row' | 'seq'): Generator<StoredRecord> {
    return this.pageRecords(res(resource), by)
  }

  private *pageRecords(r: number, by: 'row' | 'seq'): Generator<StoredRecord> {
    const page = this.db.prepare<[number, number, number], StoredRecord>(`SELECT row, id, line AS text, ${by} AS "order" FROM rec
      WHERE res = ? AND id IS NOT NULL AND first IS NULL AND ${by} > ? ORDER BY ${by} LIMIT ?`)
    for (let after = -1; ;) {
      const rows = page.all(r, after, PAGE)
      if (rows.length === 0) return
      after = rows[rows.length - 1]!.order
      yield* rows
    }
  }

  /** The lines of the link records of one kind belonging to one record, in file order. */
  links(kind: LinkKind, ownerType: string, ownerId: string): string[] {
    return this.linkLines.all(kind, ownerType, ownerId)
  }

  /** Where a record of a self-linked resource stands in the order numbered by orderParentsFirst. */
  orderOf(resource: ExportResource, id: string): number | undefined {
    return this.firstOf.get(res(resource), id)?.seq ?? undefined
  }

  /** How many records will be written. */
  usable(): number {
    return this.db.prepare('SELECT count(*) FROM rec WHERE id IS NOT NULL AND first IS NULL').pluck().get() as number
  }

  close(): void {
    this.db.close()
  }
}
