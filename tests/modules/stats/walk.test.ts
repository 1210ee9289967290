import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../../helper.ts'
import type { EventFilters } from '../../../src/modules/events/queries.ts'
import { eventStats, type StatsOptions, type StatsRow } from '../../../src/modules/stats/queries.ts'

/**
 * Large sets are grouped slice by slice (src/modules/stats/walk.ts). Lowering the size at which
 * that starts to one event makes every eligible grouping of a small dataset walk, so its pages can
 * be checked against the one statement that groups the whole set at once.
 */
describe('stats grouped slice by slice', () => {
  const storage = seededMemoryDatabase(3000)
  // Events with no actor come first when grouping by actor (key ''); the synthetic ones all have some.
  storage.sqlite.prepare(`DELETE FROM event_actors WHERE event_id IN (SELECT id FROM events WHERE id LIKE 'synth-%' ORDER BY id LIMIT 40)`).run()
  const WALK = 1, NEVER = Number.MAX_SAFE_INTEGER

  /** The connection, counting the grouping statements run through it. */
  const counting = () => {
    const counter = { statements: 0 }
    const sqlite = new Proxy(storage.sqlite, {
      get(target, key) {
        if (key !== 'prepare') return Reflect.get(target, key, target)
        return (sql: string) => {
          const stmt = target.prepare(sql)
          if (!sql.startsWith('SELECT * FROM (')) return stmt
          const iterate = stmt.iterate.bind(stmt)
          return Object.assign(stmt, { iterate: (...params: unknown[]) => { counter.statements++; return iterate(...params) } })
        }
      },
    }) as Database.Database
    return { sqlite, counter }
  }

  /** Every page of a grouping, and how many grouping statements were run for them. */
  const allPages = (f: EventFilters, o: Omit<StatsOptions, 'limit' | 'cursor'>, limit: number, walkMin: number) => {
    const { sqlite: spy, counter } = counting()
    const rows: StatsRow[] = []
    const cursors: string[] = []
    let cursor: string | undefined
    do {
      const page = eventStats(spy, f, { ...o, limit, ...(cursor ? { cursor } : {}) }, walkMin)
      expect(page.rows.length).toBeLessThanOrEqual(limit)
      rows.push(...page.rows)
      cursor = page.nextCursor ?? undefined
      if (cursor) cursors.push(cursor)
    } while (cursor)
    return { rows, cursors, statements: counter.statements }
  }

  const cases: [EventFilters, Omit<StatsOptions, 'limit'>][] = [
    [{}, { groupBy: ['actor', 'period'], period: 'day' }],
    [{}, { groupBy: ['actor', 'type'] }],
    [{ type: ['attack', 'displacement'] }, { groupBy: ['actor'] }],
    [{}, { groupBy: ['place', 'period'], period: 'month' }],
    [{ minKilled: 1 }, { groupBy: ['place'] }],
    [{}, { groupBy: ['period', 'actor'], period: 'day' }],
    [{}, { groupBy: ['period', 'place'], period: 'month' }],
    [{ from: '2021-03-05', to: '2022-07' }, { groupBy: ['period', 'country', 'type'], period: 'quarter' }],
    [{ minKilled: 1 }, { groupBy: ['period', 'type'], period: 'year' }],
    [{ type: ['attack'] }, { groupBy: ['period', 'actor'], period: 'month' }],
    // The seed's events dated only to a month or a year sort before their months' days.
    // (1991 and 2018 have events of a year; 2020 and 2023 events of a month.)
    [{ to: '2020-03' }, { groupBy: ['period', 'place'], period: 'day' }],
    [{ from: '2018', to: '2020-06' }, { groupBy: ['period', 'type', 'place'], period: 'month' }],
    [{ to: '2020-02-10', updatedSince: '2000' }, { groupBy: ['period'], period: 'quarter' }],
    [{ updatedSince: '2000' }, { groupBy: ['period'], period: 'year' }],
    // ISO weeks: 2021-01-01 to 03 belong to 2020-W53, and 2019-12-30 starts 2020-W01.
    [{}, { groupBy: ['period', 'place'], period: 'week' }],
    [{ to: '2020-03', updatedSince: '2000' }, { groupBy: ['period', 'type'], period: 'week' }],
    [{ from: '2020-12-20', to: '2021-01-20' }, { groupBy: ['period', 'actor'], period: 'week' }],
    // A type first, then what follows it.
    [{}, { groupBy: ['type', 'actor'] }],
    [{ minKilled: 1 }, { groupBy: ['type', 'period'], period: 'day' }],
    [{ to: '2020-06', updatedSince: '2000' }, { groupBy: ['type', 'period', 'place'], period: 'week' }],
    [{}, { groupBy: ['type', 'place', 'actor'] }],
  ]

  it('gives the pages and cursors grouping the whole set gives, for each lead and period', () => {
    for (const [f, o] of cases) {
      const whole = allPages(f, o, 5000, NEVER)
      expect(whole.rows.length, JSON.stringify([f, o])).toBeGreaterThan(1)
      if (o.groupBy[0] === 'actor') expect(whole.rows[0]!.key.actor).toBeNull()
      expect(whole.statements).toBe(whole.cursors.length + 1)
      // About thirty pages a case, and pages of one group where that stays short.
      for (const limit of [...(whole.rows.length <= 60 ? [1] : []), Math.max(2, Math.ceil(whole.rows.length / 30))]) {
        const walked = allPages(f, o, limit, WALK)
        const once = allPages(f, o, limit, NEVER)
        expect(walked.rows, JSON.stringify([f, o, limit])).toEqual(whole.rows)
        expect(walked.cursors).toEqual(once.cursors)
        // The walk ran more than one statement a page: it did slice.
        expect(walked.statements, JSON.stringify([f, o, limit])).toBeGreaterThan(once.statements)
      }
    }
  }, 120_000) // about 10 s alone; over 30 s on a machine shared with the rest of the suite

  it('stops once the page is full: a first page reads a few slices, not the whole set', () => {
    const whole = allPages({}, { groupBy: ['period', 'actor'], period: 'day' }, 5000, WALK)
    const page = eventStats(storage.sqlite, {}, { groupBy: ['period', 'actor'], period: 'day', limit: 50 }, WALK)
    expect(page.rows).toEqual(whole.rows.slice(0, 50))
    expect(whole.statements).toBeGreaterThan(20)
    const { sqlite, counter } = counting()
    eventStats(sqlite, {}, { groupBy: ['period', 'actor'], period: 'day', limit: 50 }, WALK)
    expect(counter.statements * 5).toBeLessThan(whole.statements)
  })

  it('leaves to the one statement words, an actor filter, a country first, a type alone, a period alone that fits a page or sits beside a figure range, and a rare updatedSince', () => {
    for (const [f, o] of [
      [{ q: 'convoy' }, { groupBy: ['actor'] }],
      [{ actor: 'synth-actor-00001' }, { groupBy: ['period', 'place'], period: 'day' }],
      [{}, { groupBy: ['country', 'type'] }],
      [{}, { groupBy: ['type'] }],
      [{ from: '2021-02', to: '2021-05', updatedSince: '2000' }, { groupBy: ['period'], period: 'week' }],
      [{ minKilled: 1 }, { groupBy: ['period'], period: 'day' }],
      [{ updatedSince: '2999-01-01' }, { groupBy: ['actor', 'period'], period: 'day' }],
      [{ minKilled: 1 }, { groupBy: ['type'] }],
    ] as [EventFilters, Omit<StatsOptions, 'limit'>][]) {
      expect(allPages(f, o, 5000, WALK).statements, JSON.stringify([f, o])).toBe(1)
    }
  })

  it('groups at once a figure range with fewer matches than the slicing bound: its index lists them', () => {
    // A bound that a few dozen events' figures meet.
    const bound = storage.sqlite.prepare(`SELECT high FROM event_figures WHERE measure = 'killed' AND high IS NOT NULL ORDER BY high LIMIT 1 OFFSET 30`).pluck().get() as number
    const matches = storage.sqlite.prepare(`SELECT count(*) FROM event_figures WHERE measure = 'killed' AND high <= ?`).pluck().get(bound) as number
    const events = storage.sqlite.prepare('SELECT count(*) FROM events').pluck().get() as number
    expect(matches).toBeGreaterThan(0)
    expect(matches + 1).toBeLessThan(events)
    const o: Omit<StatsOptions, 'limit'> = { groupBy: ['type', 'actor'] }
    const few = allPages({ maxKilled: bound }, o, 5000, matches + 1)
    expect(few.rows.length).toBeGreaterThan(0)
    expect(few.statements).toBe(1)
    expect(allPages({ maxKilled: bound }, o, 5000, matches).statements).toBeGreaterThan(1)
    expect(allPages({}, o, 5000, matches + 1).statements).toBeGreaterThan(1)
  })
})
