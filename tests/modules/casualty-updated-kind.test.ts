import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../helper.ts'
import { listPage, listSql, type PageAt } from '../../src/db/keyset.ts'
import { casualtyListing, casualtyListSpec, casualtyReading, type CasualtyFilters, type CasualtyRow } from '../../src/modules/casualties/queries.ts'

// updatedSince beside an outcome or a victim group has no index counting both. Gathered whole,
// outcome=killed&updatedSince held the event loop 0.4 s warm and 1 s cold at a million events; the
// list now gathers through the filter that counts few, or walks the events when a sample of the
// walk finds matches close together. Every reading must give the pages and cursors gathering gives.
describe('casualty reports filtered by update time and outcome or group', () => {
  const storage = seededMemoryDatabase(3000)
  const sqlite = storage.sqlite
  const total = sqlite.prepare('SELECT count(*) FROM casualty_reports').pluck().get() as number
  // The reports of the last 200 events by date are updated later than any other.
  sqlite.prepare(`UPDATE casualty_reports SET updated_at = '2999-01-01T00:00:00.000Z' WHERE event_id IN
    (SELECT id FROM events ORDER BY start_utc DESC, id DESC LIMIT 200)`).run()
  const late = sqlite.prepare(`SELECT count(*) FROM casualty_reports WHERE updated_at >= '2999-01-01'`).pluck().get() as number

  const plan = (f: CasualtyFilters, dense: number) => {
    const { sql, params } = listSql(casualtyListing(sqlite, f, 50, undefined, dense))
    return (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
  }
  const pages = (spec: (at: PageAt) => ReturnType<typeof casualtyListSpec>) => {
    const out: { ids: string[], next: string | null, previous: boolean }[] = []
    let at: PageAt
    for (;;) {
      const page = listPage<CasualtyRow>(sqlite, spec(at))
      out.push({ ids: page.rows.map((r) => r.id), next: page.nextCursor, previous: page.hasPrevious() })
      if (!page.nextCursor) return out
      at = page.nextCursor
    }
  }

  it('picks the reading from bounded counts and a sample of the walk', () => {
    expect(late).toBeGreaterThan(20)
    const killedSince = { outcome: 'killed', updatedSince: '2000-01-01' }
    expect(casualtyReading(sqlite, killedSince, 10)).toBe('walk')
    expect(plan(killedSince, 10)).toMatch(/SCAN e USING (COVERING )?INDEX events_start_idx/)
    expect(plan(killedSince, 10)).not.toContain('USE TEMP B-TREE FOR ORDER BY')
    // Few reports updated since: gathered through the update index, whatever the outcome's count.
    expect(casualtyReading(sqlite, { outcome: 'killed', updatedSince: '2999-01-01' }, late + 1)).toBe('byUpdate')
    expect(plan({ outcome: 'killed', updatedSince: '2999-01-01' }, late + 1)).toMatch(/casualty_updated_idx/)
    // Every report updated since, few of the outcome and group: gathered through the outcome index.
    const fewOfKind = { outcome: 'killed', victimGroup: 'peacekeepers', updatedSince: '2000-01-01' }
    expect(casualtyReading(sqlite, fewOfKind, total)).toBe('byKind')
    expect(plan(fewOfKind, total)).toMatch(/casualty_outcome_idx/)
    // Both common but the matches lie past the walk's sample: gathered as before.
    expect(casualtyReading(sqlite, { victimGroup: 'civilians', updatedSince: '2999-01-01' }, 5)).toBe('gather')
  })

  it('gives the same rows, cursors and counts in every reading', () => {
    const cases: [CasualtyFilters, number][] = [
      [{ outcome: 'killed', updatedSince: '2000-01-01' }, 10], [{ victimGroup: 'civilians', updatedSince: '2000-01-01', from: '2021' }, 10],
      [{ outcome: 'killed', updatedSince: '2999-01-01' }, late + 1], [{ outcome: 'killed', victimGroup: 'peacekeepers', updatedSince: '2000-01-01' }, total],
      [{ outcome: 'injured', updatedSince: '2999-01-01' }, 5], [{ outcome: 'injured', updatedSince: '2999-01-01' }, 1],
    ]
    const seen = new Set<string>()
    for (const [f, dense] of cases) {
      seen.add(casualtyReading(sqlite, f, dense))
      const expected = pages((at) => casualtyListSpec(f, 40, at))
      expect(expected.flatMap((p) => p.ids).length, JSON.stringify(f)).toBeGreaterThan(0)
      expect(pages((at) => casualtyListing(sqlite, f, 40, at, dense)), `${JSON.stringify(f)} dense ${dense}`).toEqual(expected)
      const counted = listPage<CasualtyRow>(sqlite, casualtyListing(sqlite, f, 40, undefined, dense)).count()
      expect(counted).toBe(listPage<CasualtyRow>(sqlite, casualtyListSpec(f, 40)).count())
    }
    expect([...seen].sort()).toEqual(['byKind', 'byUpdate', 'gather', 'walk'])
  })
})
