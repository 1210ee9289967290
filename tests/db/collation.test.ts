import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { binaryOrder } from '../../src/db/collation.ts'

describe('binaryOrder', () => {
  it('orders texts as SQLite\'s BINARY collation does, characters beyond U+FFFF included', () => {
    const texts = ['', 'a', 'A', 'ab', 'a-b', 'a0', 'Z', 'é', 'e\u0301', '\uE000', '\uFFFD', '\u{1F600}', 'x\u{10000}', 'x\uFFFF', 'x', 'Ω', '日本']
    const sqlite = new Database(':memory:')
    const sqliteOrder = sqlite.prepare('SELECT value FROM json_each(?) ORDER BY value').pluck().all(JSON.stringify(texts))
    expect([...texts].sort(binaryOrder)).toEqual(sqliteOrder)
    // JavaScript's own order differs exactly there.
    expect([...texts].sort()).not.toEqual(sqliteOrder)
    sqlite.close()
  })
})
