import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { idRows } from '../../src/db/keyset.ts'

describe('idRows', () => {
  it('gives each id with its place in the list, in few statement forms, and json_each past 256', () => {
    const sqlite = new Database(':memory:')
    const forms = new Set<string>()
    for (const n of [0, 1, 2, 3, 50, 64, 65, 200, 256, 257, 600]) {
      const ids = Array.from({ length: n }, (_, i) => `id-${i % 7 === 3 ? 'same' : i}`)
      const { sql, params } = idRows(ids)
      forms.add(sql)
      const rows = sqlite.prepare(`SELECT key, value FROM ${sql} j WHERE value IS NOT NULL ORDER BY key`).all(...params)
      expect(rows, `${n} ids`).toEqual(ids.map((value, key) => ({ key, value })))
      // Padding matches nothing in a join.
      expect(sqlite.prepare(`SELECT count(*) AS n FROM ${sql} j JOIN (SELECT 'id-1' AS id UNION ALL SELECT NULL) t ON t.id = j.value`).get(...params)).toEqual({ n: n > 1 ? 1 : 0 })
    }
    // 1, 2, 4, 64, 128, 256 and the JSON form.
    expect(forms.size).toBe(7)
    sqlite.close()
  })
})
