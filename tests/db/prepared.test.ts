import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { allRows, prepared } from '../../src/db/prepared.ts'

describe('allRows', () => {
  it('gives the objects the driver gives: keys in column order, the last of a repeated name, every type', () => {
    const sqlite = new Database(':memory:')
    sqlite.exec(`CREATE TABLE t (id TEXT, n INTEGER, x REAL, b BLOB, z TEXT);
      INSERT INTO t VALUES ('a', 1, 1.5, x'00ff', NULL), ('b "q"', 9007199254740991, -0.25, NULL, 'é')`)
    const queries = [
      'SELECT id, n, x, b, z FROM t ORDER BY id',
      'SELECT id AS "weird key", n AS "a""b", x AS "constructor" FROM t ORDER BY id',
      'SELECT id AS k, n AS k FROM t ORDER BY id',
      'SELECT id AS "__proto__", n FROM t ORDER BY id',
      'SELECT id FROM t WHERE 0',
    ]
    for (const sql of queries) {
      const expected = sqlite.prepare(sql).all()
      const stmt = prepared(sqlite, sql)
      const got = allRows<Record<string, unknown>>(stmt, [])
      expect(got, sql).toEqual(expected)
      expect(got.map((r) => Object.keys(r)), sql).toEqual(expected.map((r) => Object.keys(r as object)))
      expect(got.every((r) => Object.getPrototypeOf(r) === Object.prototype), sql).toBe(true)
      // The statement is left as it was found, for callers that read it as objects.
      expect(stmt.all()).toEqual(expected)
    }
    sqlite.close()
  })

  it('leaves the statement reading objects when a read fails', () => {
    const sqlite = new Database(':memory:')
    const stmt = prepared(sqlite, 'SELECT json(?) AS j')
    expect(() => allRows(stmt, ['not json'])).toThrow()
    expect(stmt.all('[1]')).toEqual([{ j: '[1]' }])
    sqlite.close()
  })
})
