import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { listPage, memoryPage, type KeysetPage, type PageWindow, type SortSpec } from '../../src/db/keyset.ts'

// Rows ranked in JavaScript are paged by memoryPage; every window must cut them as listPage cuts
// the same rows from a table.
const SORT: SortSpec = { name: 'rank', desc: false, columns: [{ expr: 'rank', key: 'rank', numeric: true }, { expr: 'kind', key: 'kind' }, { expr: 'id', key: 'id' }] }

interface Row { rank: number, kind: string, id: string }

const ids = ['a', 'b', 'B', 'é', 'z', '\u{1F600}', '\uFF21', 'a-1', 'a0']
const rows: Row[] = []
for (let i = 0; i < 60; i++) rows.push({ rank: [-3.5, -1, 0, 2.25][i % 4]!, kind: i % 3 ? 'event' : 'statement', id: `${ids[i % ids.length]}${Math.floor(i / 9)}` })

const db = new Database(':memory:')
db.exec('CREATE TABLE t (rank REAL NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL)')
for (const r of rows) db.prepare('INSERT INTO t VALUES (?, ?, ?)').run(r.rank, r.kind, r.id)

const sqlPage = (limit: number, cursor?: PageWindow) => listPage<Row>(db, { from: 't', select: 'rank, kind, id', where: [], params: [], sort: SORT, limit, cursor })
const shape = (p: KeysetPage<Row>) => ({ rows: p.rows, next: p.nextCursor, hasNext: p.hasNext(), hasPrevious: p.hasPrevious() })

describe('memoryPage', () => {
  it('pages forward and backward exactly as listPage does over a table', () => {
    const all = sqlPage(100).rows
    expect(memoryPage(rows, SORT, 100, undefined, () => rows.length).rows).toEqual(all)
    const cursors = all.map((r) => sqlPage(1).cursorOf(r))
    let checked = 0
    for (const limit of [1, 7, 60]) {
      for (let i = 0; i < cursors.length; i += 5) {
        for (let j = i; j < cursors.length; j += 11) {
          for (const w of [{ after: cursors[i] }, { before: cursors[j] }, { before: cursors[j], fromEnd: true }, { after: cursors[i], before: cursors[j] }, { after: cursors[i], before: cursors[j], fromEnd: true }, { fromEnd: true }]) {
            expect(shape(memoryPage(rows, SORT, limit, w, () => 0)), JSON.stringify({ limit, i, j, w })).toEqual(shape(sqlPage(limit, w)))
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('refuses a cursor of another sort as listPage does', () => {
    const other = Buffer.from(JSON.stringify(['date', 1, 'a', 'b'])).toString('base64url')
    expect(() => memoryPage(rows, SORT, 5, other, () => 0)).toThrow(/belongs to sort "date"/)
  })
})
