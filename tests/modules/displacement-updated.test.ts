import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../helper.ts'
import { listPage, listSql, type PageAt } from '../../src/db/keyset.ts'
import { displacementListing, displacementListSpec, type DisplacementFilters, type DisplacementRow } from '../../src/modules/displacement/queries.ts'

// Walked by date, a recent updatedSince checked every count: 2.9 s cold at a million events for a
// handful of rows. Few updates are gathered through the update index; the pages, cursors and
// counts must be those of the walk.
describe('displacement counts updated since a time', () => {
  const storage = seededMemoryDatabase(3000)
  const sqlite = storage.sqlite
  sqlite.prepare(`UPDATE displacement_counts SET updated_at = '2999-01-01T00:00:00.000Z' WHERE rowid % 5 = 0`).run()
  const recent = sqlite.prepare(`SELECT count(*) FROM displacement_counts WHERE updated_at >= '2999-01-01'`).pluck().get() as number

  const plan = (f: DisplacementFilters, dense?: number) => {
    const { sql, params } = listSql(displacementListing(sqlite, f, 50, undefined, dense))
    return (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
  }
  const pages = (spec: (at: PageAt) => ReturnType<typeof displacementListSpec>) => {
    const out: { ids: string[], next: string | null, previous: boolean, count: number }[] = []
    let at: PageAt
    for (;;) {
      const page = listPage<DisplacementRow>(sqlite, spec(at))
      out.push({ ids: page.rows.map((r) => r.id), next: page.nextCursor, previous: page.hasPrevious(), count: page.count() })
      if (!page.nextCursor) return out
      at = page.nextCursor
    }
  }

  it('gathers few updates through the update index, and gives the walk\'s pages', () => {
    expect(recent).toBeGreaterThan(40)
    expect(plan({ updatedSince: '2999-01-01' })).toMatch(/displacement_updated_idx/)
    expect(plan({ updatedSince: '2999-01-01' }, 1)).not.toMatch(/displacement_updated_idx/)
    expect(plan({ updatedSince: '2999-01-01', event: 'x' })).toMatch(/displacement_event_idx/)
    for (const f of [{ updatedSince: '2999-01-01' }, { updatedSince: '2999-01-01', from: '2021', to: '2022-06' }, { updatedSince: '2999-01-01', metric: 'displaced' }] as DisplacementFilters[]) {
      const walked = pages((at) => displacementListSpec(f, 15, at))
      expect(walked[0]!.ids.length, JSON.stringify(f)).toBeGreaterThan(0)
      expect(pages((at) => displacementListing(sqlite, f, 15, at)), JSON.stringify(f)).toEqual(walked)
    }
    expect(pages((at) => displacementListSpec({ updatedSince: '2999-01-01' }, 15, at)).length).toBeGreaterThan(2)
  })
})
