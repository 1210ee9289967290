import type Database from 'better-sqlite3'
import { decodeCursor, encodeCursor } from '../../http/cursor.ts'
import { InvalidCursorError } from '../../errors.ts'
import { RESOURCES } from '../curation/resources.ts'
import type { Snapshot, WriteEngine } from '../curation/engine.ts'

export interface Change {
  version: number
  operation: 'upsert' | 'delete'
  recordType: string
  recordId: string
  /** The record as a write would send it (links and citations included); null for a deletion. */
  data: Snapshot | null
}

interface Source { rank: number, sql: string }
interface Row { version: number, k: string | number, recordType: string, recordId: string }

// One ordered source per record table, and the tombstones last. Citations travel inside their
// record (a write replaces a record's whole list), so neither their rows nor their tombstones are listed.
const SOURCES: Source[] = [
  ...RESOURCES.map((spec, rank) => ({
    rank,
    sql: `SELECT version, id AS k, '${spec.recordType}' AS recordType, id AS recordId FROM ${spec.table} WHERE {W} ORDER BY version, id LIMIT ?`,
  })),
  {
    rank: RESOURCES.length,
    sql: `SELECT version, record_type || ':' || record_id AS k, record_type AS recordType, record_id AS recordId FROM deletions
      WHERE record_type <> 'citation' AND version IS NOT NULL AND {W} ORDER BY version, k LIMIT ?`,
  },
]

const SORT = 'version'

/**
 * Every record written after a dataset version, once, at the version of its last write, in
 * version order: the upserts with their current state and the deletions. Each source is read in
 * index order up to the page size and the sources are merged, so a page costs the same at any depth.
 */
export function listChanges(sqlite: Database.Database, writes: WriteEngine, since: number, limit: number, cursor?: string) {
  let v = since, rank = -1, k: string | number = ''
  if (cursor) {
    const [cv, cr, ck] = decodeCursor(cursor, SORT, 3)
    if (typeof cv !== 'number' || typeof cr !== 'number' || ck === null || ck === undefined || !SOURCES[cr]) throw new InvalidCursorError('it was not issued by this API')
    ;[v, rank, k] = [cv, cr, ck]
  }
  const read = sqlite.transaction(() => {
    const rows: (Row & { rank: number })[] = []
    for (const s of SOURCES) {
      // Rows at the cursor's version come after it only in a later source, or later in its own.
      const key = s.rank === RESOURCES.length ? `record_type || ':' || record_id` : 'id'
      const [where, params] = rank === -1 || s.rank < rank ? ['version > ?', [v]]
        : s.rank === rank ? [`(version, ${key}) > (?, ?)`, [v, k]]
        : ['version >= ?', [v]]
      for (const r of sqlite.prepare(s.sql.replace('{W}', where)).all(...params, limit + 1) as Row[]) rows.push({ ...r, rank: s.rank })
    }
    rows.sort((a, b) => a.version - b.version || a.rank - b.rank || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    const page = rows.slice(0, limit)
    const data: Change[] = page.map((r) => {
      const spec = r.rank < RESOURCES.length ? RESOURCES[r.rank]! : undefined
      return spec
        ? { version: r.version, operation: 'upsert', recordType: r.recordType, recordId: r.recordId, data: writes.snapshot(spec, r.recordId) ?? null }
        : { version: r.version, operation: 'delete', recordType: r.recordType, recordId: r.recordId, data: null }
    })
    const last = page.at(-1)
    return { rows: data, nextCursor: rows.length > limit && last ? encodeCursor(SORT, [last.version, last.rank, last.k]) : null }
  })
  return read()
}
