import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../helper.ts'
import { listPage, listSql, type PageAt } from '../../src/db/keyset.ts'
import { statementListing, statementListSpec, type StatementFilters, type StatementRow } from '../../src/modules/statements/queries.ts'

// Read by walking the statements by date, a recent updatedSince (what a sync client asks) checked
// every statement: 0.4 s at a million events for five rows. Few updates are gathered through the
// update index; the pages, cursors and counts must be those of the walk.
describe('statements updated since a time', () => {
  const storage = seededMemoryDatabase(3000)
  const sqlite = storage.sqlite
  sqlite.prepare(`UPDATE statements SET updated_at = '2999-01-01T00:00:00.000Z' WHERE rowid % 7 = 0`).run()
  const recent = sqlite.prepare(`SELECT count(*) FROM statements WHERE updated_at >= '2999-01-01'`).pluck().get() as number

  const plan = (f: StatementFilters, dense?: number) => {
    const { sql, params } = listSql(statementListing(sqlite, f, 50, undefined, dense))
    return (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
  }
  const pages = (spec: (at: PageAt) => ReturnType<typeof statementListSpec>) => {
    const out: { ids: string[], next: string | null, previous: boolean, count: number }[] = []
    let at: PageAt
    for (;;) {
      const page = listPage<StatementRow>(sqlite, spec(at))
      out.push({ ids: page.rows.map((r) => r.id), next: page.nextCursor, previous: page.hasPrevious(), count: page.count() })
      if (!page.nextCursor) return out
      at = page.nextCursor
    }
  }

  it('gathers few updates through the update index and walks many by date', () => {
    expect(recent).toBeGreaterThan(60)
    expect(plan({ updatedSince: '2999-01-01' })).toMatch(/statements_updated_idx/)
    expect(plan({ updatedSince: '2999-01-01' }, recent)).toMatch(/SCAN s USING INDEX statements_said_idx/)
    expect(plan({ updatedSince: '2000-01-01' }, 50)).toMatch(/SCAN s USING INDEX statements_said_idx/)
    expect(plan({ updatedSince: '2000-01-01' }, 50)).not.toContain('TEMP B-TREE')
    // Words, a speaker or an event keep their own indexes.
    expect(plan({ updatedSince: '2999-01-01', speaker: 'x' })).toMatch(/statements_speaker_idx/)
  })

  it('gives the walk\'s rows, cursors and counts', () => {
    const cases: StatementFilters[] = [{ updatedSince: '2999-01-01' }, { updatedSince: '2999-01-01', from: '2021', to: '2022-06' },
      { updatedSince: '2999-01-01', medium: 'speech' }, { updatedSince: '2000-01-01', from: '2021' }]
    for (const f of cases) {
      const walked = pages((at) => statementListSpec(f, 20, at))
      expect(walked[0]!.ids.length, JSON.stringify(f)).toBeGreaterThan(0)
      for (const dense of [1_000_000, 1]) {
        expect(plan(f, dense), JSON.stringify(f)).toMatch(dense === 1 ? /statements_said_idx/ : /statements_updated_idx/)
        expect(pages((at) => statementListing(sqlite, f, 20, at, dense)), `${JSON.stringify(f)} ${dense}`).toEqual(walked)
      }
    }
    expect(pages((at) => statementListSpec({ updatedSince: '2999-01-01' }, 20, at)).length).toBeGreaterThan(2)
  })
})
