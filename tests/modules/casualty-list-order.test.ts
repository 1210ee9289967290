import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../helper.ts'
import { listPage, listSql, type PageAt } from '../../src/db/keyset.ts'
import { casualtyListing, casualtyListSpec, type CasualtyFilters, type CasualtyRow } from '../../src/modules/casualties/queries.ts'

// The casualty list is ordered by its event's date. Gathering every matching report and sorting
// it held the event loop 0.4 to 0.8 s at a million events for the first page of the bare list;
// walking the events in date order finds a page in a few probes when matches are common.
describe('casualty report lists in event date order', () => {
  const storage = seededMemoryDatabase(3000)
  const sqlite = storage.sqlite
  const steps = (f: CasualtyFilters, dense?: number) => {
    const { sql, params } = listSql(casualtyListing(sqlite, f, 50, undefined, dense))
    return (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
  }
  /** Every row, page by page through cursors, and the cursors' pages taken from the end too. */
  const all = (f: CasualtyFilters, dense?: number) => {
    const ids: string[] = []
    let at: PageAt
    for (;;) {
      const page = listPage<CasualtyRow>(sqlite, casualtyListing(sqlite, f, 40, at, dense))
      ids.push(...page.rows.map((r) => r.id))
      if (!page.nextCursor) return ids
      at = page.nextCursor
    }
  }
  const gathered = (f: CasualtyFilters) => {
    const ids: string[] = []
    let at: PageAt
    for (;;) {
      const page = listPage<CasualtyRow>(sqlite, casualtyListSpec(f, 40, at))
      ids.push(...page.rows.map((r) => r.id))
      if (!page.nextCursor) return ids
      at = page.nextCursor
    }
  }

  it('reads the bare list along the events\' date index, with no sort of every report', () => {
    const plan = steps({})
    expect(plan).toMatch(/SCAN e USING (COVERING )?INDEX events_start_idx/)
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY')
  })

  it('walks the events for an outcome matched by many reports, and gathers one matched by few', () => {
    expect(steps({ outcome: 'killed' }, 10)).toMatch(/SCAN e USING (COVERING )?INDEX events_start_idx/)
    expect(steps({ outcome: 'killed' }, 10)).not.toContain('USE TEMP B-TREE FOR ORDER BY')
    expect(steps({ outcome: 'killed' }, 1_000_000)).toMatch(/casualty_outcome_idx/)
  })

  it('gives the same rows in the same order either way, across pages', () => {
    const filters: CasualtyFilters[] = [{}, { outcome: 'killed' }, { victimGroup: 'civilians' }, { outcome: 'injured', victimGroup: 'people' },
      { from: '2021', to: '2022' }, { updatedSince: '2000-01-01' }]
    for (const f of filters) {
      const expected = gathered(f)
      expect(expected.length, JSON.stringify(f)).toBeGreaterThan(40)
      expect(all(f, 1), JSON.stringify(f)).toEqual(expected)
    }
  })

  it('keeps a page taken from the end in order', () => {
    const first = listPage<CasualtyRow>(sqlite, casualtyListing(sqlite, {}, 30, undefined, 1))
    const back = listPage<CasualtyRow>(sqlite, casualtyListing(sqlite, {}, 10, { before: first.cursorOf(first.rows[20]!), fromEnd: true }, 1))
    expect(back.rows.map((r) => r.id)).toEqual(first.rows.slice(10, 20).map((r) => r.id))
    expect(back.hasPrevious()).toBe(true)
  })
})
