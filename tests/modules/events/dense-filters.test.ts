import { describe, expect, it } from 'vitest'
import { listPage, listSql } from '../../../src/db/keyset.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { denseFilters, EVENT_SORTS, eventListSpec, gathersUpdates, type EventFilters, type EventRow } from '../../../src/modules/events/queries.ts'
import { buildTestApp } from '../../helper.ts'

// A figure range, a type in update order or an updatedSince in date order matched by many events
// is checked event by event in the list's order: gathering every match and sorting it held the
// event loop 0.4 s at a million events (minKilled=1), 8 s cold for type=attack&sort=updated.
describe('lists filtered by common figure ranges, types and update times', () => {
  it('walk the sort\'s index with no sort step, and give the pages gathering gives', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    synthesise(sqlite, { events: 3000 })
    const dense = 10
    // Below the real threshold on a small database, ranges are gathered; other filters gather too.
    expect(denseFilters(sqlite, { minKilled: 1 }, 'date')).toBe(false)
    expect(denseFilters(sqlite, { minKilled: 1 }, 'date', dense)).toBe(true)
    expect(denseFilters(sqlite, { minKilled: 1_000_000 }, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, { minKilled: 1, type: ['attack'] }, 'date', dense)).toBe(true)
    expect(denseFilters(sqlite, { minKilled: 1, from: '2021' }, 'updated', dense)).toBe(true)
    expect(denseFilters(sqlite, { minKilled: 1, place: 'x' }, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, { minKilled: 1, q: 'Yevlakh' }, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, { from: '2021', to: '2022', q: 'Yevlakh' }, '-updated', dense)).toBe(false)
    expect(denseFilters(sqlite, { type: ['attack'], from: '2021', to: '2022' }, '-updated', dense)).toBe(true)
    expect(denseFilters(sqlite, { type: ['attack'], from: '2021-03-01', to: '2021-03-01' }, '-updated', dense)).toBe(false)
    expect(denseFilters(sqlite, { from: '2021', to: '2022' }, 'updated', dense)).toBe(true)
    expect(denseFilters(sqlite, { from: '2021', to: '2022' }, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, { type: ['attack'], updatedSince: '2000-01-01' }, '-updated', dense)).toBe(true)
    expect(denseFilters(sqlite, { type: ['attack'], updatedSince: '2000-01-01' }, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, {}, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, { type: ['attack'] }, 'updated', dense)).toBe(true)
    expect(denseFilters(sqlite, { type: ['attack'] }, 'date', dense)).toBe(false)
    expect(denseFilters(sqlite, { updatedSince: '2000-01-01' }, 'date', dense)).toBe(true)
    expect(denseFilters(sqlite, { updatedSince: '2000-01-01' }, '-updated', dense)).toBe(false)
    expect(denseFilters(sqlite, { updatedSince: '2999-01-01' }, 'date', dense)).toBe(false)

    let compared = 0
    for (const f of [{ minKilled: 1 }, { minDisplaced: 1 }, { maxKilled: 50 }, { minKilled: 1, from: '2021-03', to: '2021-09' }, { minKilled: 1, maxKilled: 100000 },
      { type: ['attack'] }, { type: ['attack', 'ceasefire'], minKilled: 1 }, { updatedSince: '2000-01-01' }, { updatedSince: '2000-01-01', minKilled: 1 },
      { type: ['attack'], from: '2020', to: '2022' }, { from: '2021', to: '2022-06' }, { type: ['attack', 'offensive'], updatedSince: '2000-01-01' },
      { type: ['attack'], minKilled: 1, from: '2020' }, { from: '2020', updatedSince: '2000-01-01', minDisplaced: 1 }] as EventFilters[]) {
      for (const sort of EVENT_SORTS) {
        const inOrder = denseFilters(sqlite, f, sort, dense)
        const { sql, params } = listSql(eventListSpec(f, sort, 40, undefined, undefined, inOrder))
        const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
        if (inOrder) {
          expect(plan, `${JSON.stringify(f)} ${sort}`).toMatch(sort.endsWith('date') ? /(SCAN|SEARCH) e USING (COVERING )?INDEX events_(type_)?start_idx/ : /(SCAN|SEARCH) e USING (COVERING )?INDEX events_updated_idx/)
          expect(plan, `${JSON.stringify(f)} ${sort}`).not.toContain('TEMP B-TREE')
        }
        let cursor: string | undefined
        for (let page = 0; page < 3; page++) {
          const gathered = listPage<EventRow>(sqlite, eventListSpec(f, sort, 40, cursor))
          const probed = listPage<EventRow>(sqlite, eventListSpec(f, sort, 40, cursor, undefined, inOrder))
          const label = `${JSON.stringify(f)} ${sort} page ${page} in order ${inOrder}`
          expect(gathered.rows.length, label).toBeGreaterThan(0)
          expect(probed.rows, label).toEqual(gathered.rows)
          expect(probed.nextCursor, label).toBe(gathered.nextCursor)
          expect(probed.hasPrevious(), label).toBe(gathered.hasPrevious())
          expect(probed.count(), label).toBe(gathered.count())
          if (inOrder) compared++
          cursor = gathered.nextCursor ?? undefined
          if (!cursor) break
        }
      }
    }
    expect(compared).toBeGreaterThan(20)
    await app.close()
  })

  it('gather a rare updatedSince by date through the update index, beside types, dates and figures', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    synthesise(sqlite, { events: 3000 })
    sqlite.prepare(`UPDATE events SET updated_at = '2999-01-01T00:00:00.000Z' WHERE rowid % 9 = 0`).run()
    const recent = sqlite.prepare(`SELECT count(*) FROM events WHERE updated_at >= '2999-01-01'`).pluck().get() as number
    expect(gathersUpdates(sqlite, { updatedSince: '2999-01-01', type: ['attack'] }, 'date', recent + 1)).toBe(true)
    expect(gathersUpdates(sqlite, { updatedSince: '2999-01-01', type: ['attack'] }, 'date', recent)).toBe(false)
    expect(gathersUpdates(sqlite, { updatedSince: '2999-01-01', type: ['attack'] }, 'updated', recent + 1)).toBe(false)
    expect(gathersUpdates(sqlite, { updatedSince: '2999-01-01', place: 'x' }, 'date', recent + 1)).toBe(false)
    let compared = 0
    for (const f of [{ updatedSince: '2999-01-01', type: ['attack'] }, { updatedSince: '2999-01-01', type: ['attack', 'ceasefire'], from: '2021' },
      { updatedSince: '2999-01-01', minKilled: 1 }, { updatedSince: '2999-01-01', to: '2022-06', minDisplaced: 1 }] as EventFilters[]) {
      for (const sort of ['date', '-date'] as const) {
        const { sql, params } = listSql(eventListSpec(f, sort, 40, undefined, undefined, 'updates'))
        const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
        expect(plan, JSON.stringify(f)).toMatch(/SEARCH e USING INDEX events_updated_idx \(updated_at>\?\)/)
        let cursor: string | undefined
        for (let page = 0; page < 4; page++) {
          const gathered = listPage<EventRow>(sqlite, eventListSpec(f, sort, 15, cursor))
          const byUpdates = listPage<EventRow>(sqlite, eventListSpec(f, sort, 15, cursor, undefined, 'updates'))
          const label = `${JSON.stringify(f)} ${sort} page ${page}`
          expect(gathered.rows.length, label).toBeGreaterThan(0)
          expect(byUpdates.rows, label).toEqual(gathered.rows)
          expect(byUpdates.nextCursor, label).toBe(gathered.nextCursor)
          expect(byUpdates.hasPrevious(), label).toBe(gathered.hasPrevious())
          expect(byUpdates.count(), label).toBe(gathered.count())
          compared++
          cursor = gathered.nextCursor ?? undefined
          if (!cursor) break
        }
      }
    }
    expect(compared).toBeGreaterThan(12)
    await app.close()
  })
})
