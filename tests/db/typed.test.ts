import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { revisions } from '../../src/db/schema.ts'
import { drizzleOf, statements, verbatim } from '../../src/db/typed.ts'

describe('typed statements', () => {
  it('use the connection\'s one drizzle handle and are prepared once per connection', () => {
    const a = openDatabase(':memory:'), b = openDatabase(':memory:')
    expect(drizzleOf(a.sqlite)).toBe(a.db)
    let builds = 0
    const q = statements((db) => { builds++; return { one: db.select({ n: sql<number>`1` }).from(sql`(SELECT 1)`).prepare() } })
    expect(q(a.sqlite)).toBe(q(a.sqlite))
    expect(q(b.sqlite)).not.toBe(q(a.sqlite))
    expect(builds).toBe(2)
    expect(q(b.sqlite).one.get()).toEqual({ n: 1 })
    a.close(); b.close()
  })

  it('bind a JSON column\'s value as given with verbatim, where a plain placeholder would encode it', () => {
    const s = openDatabase(':memory:')
    migrateDatabase(s.db)
    const row = { recordType: 'source', recordId: 'x', operation: 'create', keyName: 'desk', datasetVersion: 1 }
    const p = sql.placeholder
    const encoded = s.db.insert(revisions).values({ ...row, before: p('before'), after: p('after') }).prepare()
    const given = s.db.insert(revisions).values({ ...row, before: verbatim('before'), after: verbatim('after') }).prepare()
    encoded.run({ before: null, after: { a: 1 } })
    given.run({ before: null, after: JSON.stringify({ a: 1 }) })
    const stored = s.sqlite.prepare('SELECT before, typeof(before) AS t, after FROM revisions ORDER BY id').all()
    // The column's encoder turns a placeholder's null into the text 'null'; if drizzle stops doing
    // so, verbatim is no longer needed.
    expect(stored).toEqual([{ before: 'null', t: 'text', after: '{"a":1}' }, { before: null, t: 'null', after: '{"a":1}' }])
    // Read through drizzle, both come back parsed.
    const back = s.db.select({ before: revisions.before, after: revisions.after }).from(revisions).where(eq(revisions.recordId, 'x')).all()
    expect(back).toEqual([{ before: null, after: { a: 1 } }, { before: null, after: { a: 1 } }])
    s.close()
  })
})
